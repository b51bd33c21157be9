package link

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"sync"
	"syscall"
	"time"
)

// DefaultConnectTimeout bounds a TCP or TLS connect.
const DefaultConnectTimeout = 5 * time.Second

// TCPOptions tunes [DialTCP], [DialTLS] and [NewStream]. Zero values take
// the defaults.
type TCPOptions struct {
	ConnectTimeout time.Duration // default 5 s
	MaxLen         int           // largest APDU data length, default 65535
	// Notify, when set, is told about link-level events worth a trace line
	// (reconnects). It must not block.
	Notify func(msg string)

	// TLS settings for DialTLS. Normal verification uses RootCAs (nil: the
	// system roots) and ServerName (default: the host of addr). PinSHA256
	// (hex of the leaf certificate's SHA-256, colons allowed) accepts exactly
	// that certificate instead; Insecure skips verification.
	ServerName string
	RootCAs    *x509.CertPool
	PinSHA256  string
	Insecure   bool
}

// DialError is a connect that failed, with what to try.
type DialError struct {
	Addr string
	Msg  string
	Hint string
	Err  error
}

func (e *DialError) Error() string {
	s := fmt.Sprintf("could not connect to %s: %s", e.Addr, e.Msg)
	if e.Hint != "" {
		s += ": " + e.Hint
	}
	return s
}

// Unwrap returns the cause.
func (e *DialError) Unwrap() error { return e.Err }

// ErrPeerClosed is what Receive returns when the terminal closed the
// connection between APDUs. It wraps io.EOF. The next Send reconnects.
var ErrPeerClosed = fmt.Errorf("the terminal closed the connection: %w", io.EOF)

// DialTCP connects to a ZVT terminal at addr (host:port) and returns a
// [Conn] that moves raw APDUs (no framing, no ACK; PA00P016 §2.2). When the
// terminal closes the connection (some drop it after 1–2 s idle), the next
// Send reconnects. Connect errors are a [*DialError].
func DialTCP(ctx context.Context, addr string, opts TCPOptions) (Conn, error) {
	d := &net.Dialer{}
	return newStream(ctx, addr, func(ctx context.Context) (net.Conn, error) {
		return d.DialContext(ctx, "tcp", addr)
	}, opts)
}

// DialTLS is [DialTCP] over TLS (1.2 or later) with normal certificate
// verification, or with the leaf certificate pinned (opts.PinSHA256) or
// verification skipped (opts.Insecure). A certificate that fails verification
// is reported with its SHA-256 so the operator can pin it.
func DialTLS(ctx context.Context, addr string, opts TCPOptions) (Conn, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, &DialError{Addr: addr, Msg: err.Error(), Hint: "use HOST:PORT", Err: err}
	}
	cfg := tlsConfig(host, opts)
	d := &net.Dialer{}
	return newStream(ctx, addr, func(ctx context.Context) (net.Conn, error) {
		raw, err := d.DialContext(ctx, "tcp", addr)
		if err != nil {
			return nil, err
		}
		c := tls.Client(raw, cfg)
		if err := c.HandshakeContext(ctx); err != nil {
			raw.Close()
			return nil, err
		}
		return c, nil
	}, opts)
}

func tlsConfig(host string, opts TCPOptions) *tls.Config {
	name := opts.ServerName
	if name == "" {
		name = host
	}
	pin := strings.ToLower(strings.ReplaceAll(opts.PinSHA256, ":", ""))
	return &tls.Config{
		ServerName: name,
		MinVersion: tls.VersionTLS12,
		// Verification is done in VerifyConnection so that a failure can
		// name the certificate's fingerprint and the way to pin it.
		InsecureSkipVerify: true,
		VerifyConnection: func(cs tls.ConnectionState) error {
			if len(cs.PeerCertificates) == 0 {
				return errors.New("the terminal sent no certificate")
			}
			leaf := cs.PeerCertificates[0]
			sum := sha256.Sum256(leaf.Raw)
			got := hex.EncodeToString(sum[:])
			switch {
			case pin != "":
				if got != pin {
					return &CertError{SHA256: got, Msg: "certificate does not match the pinned SHA-256 " + pin}
				}
				return nil
			case opts.Insecure:
				return nil
			}
			inter := x509.NewCertPool()
			for _, c := range cs.PeerCertificates[1:] {
				inter.AddCert(c)
			}
			if _, err := leaf.Verify(x509.VerifyOptions{DNSName: name, Roots: opts.RootCAs, Intermediates: inter}); err != nil {
				return &CertError{SHA256: got, Msg: "certificate not trusted (" + err.Error() + ")", Err: err}
			}
			return nil
		},
	}
}

// CertError is a terminal certificate that failed verification. SHA256 is
// the leaf certificate's fingerprint (hex), for pinning.
type CertError struct {
	SHA256 string
	Msg    string
	Err    error
}

func (e *CertError) Error() string { return e.Msg }

// Unwrap returns the cause.
func (e *CertError) Unwrap() error { return e.Err }

// NewStream returns a [Conn] over connections that dial opens: the first one
// at once, a new one on the next Send after the peer closed. It is what
// DialTCP and DialTLS use; the in-process simulator passes a dial that returns
// one end of a net.Pipe.
func NewStream(ctx context.Context, name string, dial func(ctx context.Context) (net.Conn, error), opts TCPOptions) (Conn, error) {
	return newStream(ctx, name, dial, opts)
}

func newStream(ctx context.Context, addr string, dial func(ctx context.Context) (net.Conn, error), opts TCPOptions) (Conn, error) {
	if opts.ConnectTimeout <= 0 {
		opts.ConnectTimeout = DefaultConnectTimeout
	}
	s := &streamConn{addr: addr, dial: dial, opts: opts}
	s.ras.MaxLen = opts.MaxLen
	if err := s.connect(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

type streamConn struct {
	addr string
	dial func(ctx context.Context) (net.Conn, error)
	opts TCPOptions

	mu     sync.Mutex // guards conn, dead, closed, ras
	conn   net.Conn
	dead   bool // the peer closed or the connection broke
	closed bool
	ras    Reassembler
	rmu    sync.Mutex // one Receive at a time
	rbuf   []byte     // read buffer, guarded by rmu
	raw    *rawIO     // conn's socket without waiting (nil: not a plain socket)
}

func (s *streamConn) notify(format string, a ...any) {
	if s.opts.Notify != nil {
		s.opts.Notify(fmt.Sprintf(format, a...))
	}
}

// connect dials a new connection; s.mu must not be held by another path
// that reads s.conn concurrently (callers hold it).
func (s *streamConn) connect(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, s.opts.ConnectTimeout)
	defer cancel()
	c, err := s.dial(ctx)
	if err != nil {
		return dialError(s.addr, s.opts.ConnectTimeout, err)
	}
	s.conn, s.dead = c, false
	s.raw = newRawIO(c)
	s.ras.Reset()
	return nil
}

var aLongTimeAgo = time.Unix(1, 0)

// probe checks, without blocking, whether the peer closed the idle
// connection, and picks up anything it sent meanwhile (a banner). Holds s.mu.
func (s *streamConn) probe() error {
	if !s.rmu.TryLock() {
		return nil // a Receive is reading; it will see the close itself
	}
	defer s.rmu.Unlock()
	buf := s.readBuf()[:512]
	n, err := s.lookNow(buf)
	s.ras.Write(buf[:n])
	if _, verr := apduLen(s.ras.buf, s.ras.MaxLen); verr != nil {
		return verr
	}
	if err != nil && !isTimeout(err) {
		s.dead = true
	}
	return nil
}

// lookNow reads what the connection holds right now: from a plain socket
// without waiting (readnow_unix.go), otherwise with a deadline a moment
// ahead (a deadline already in the past fails before reading, so the read
// gets a moment to see a pending EOF). Nothing there is a timeout error.
// Holds s.mu and s.rmu.
func (s *streamConn) lookNow(buf []byte) (int, error) {
	n, ok, err := s.raw.readNow(buf)
	if ok && err != nil && err != errNothing && isTimeout(err) {
		// A past deadline left by a canceled Receive: clear it and look again.
		s.conn.SetReadDeadline(time.Time{})
		n, ok, err = s.raw.readNow(buf)
	}
	if ok {
		if err == errNothing {
			err = os.ErrDeadlineExceeded
		}
		return n, err
	}
	s.conn.SetReadDeadline(time.Now().Add(time.Millisecond))
	n, err = s.conn.Read(buf)
	s.conn.SetReadDeadline(time.Time{})
	return n, err
}

// errNothing is readNow's "no bytes waiting".
var errNothing = errors.New("nothing to read")

// readBuf is the read buffer of Receive and probe (s.rmu held).
func (s *streamConn) readBuf() []byte {
	if s.rbuf == nil {
		s.rbuf = make([]byte, 4096)
	}
	return s.rbuf
}

// Send writes apdu, reconnecting first when the peer closed the connection.
func (s *streamConn) Send(ctx context.Context, apdu []byte) error {
	return s.send(ctx, apdu, true)
}

// Answer writes apdu, an answer (80 00 / 84 xx) to the APDU last received,
// on the connection that APDU came on. Unlike Send it never reconnects: when
// the peer closed that connection the answer has nobody to go to (the PT
// forgot the message with the connection), and sending it on a fresh one
// would put a stray answer in front of a terminal that never asked. It then
// fails with a *WriteError wrapping ErrPeerClosed and nothing sent.
func (s *streamConn) Answer(ctx context.Context, apdu []byte) error {
	return s.send(ctx, apdu, false)
}

// send is Send (reconnect true) and Answer (reconnect false).
func (s *streamConn) send(ctx context.Context, apdu []byte, reconnect bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return &WriteError{Err: ErrClosed}
	}
	if s.conn != nil && !s.dead {
		if err := s.probe(); err != nil {
			return &WriteError{Err: err}
		}
	}
	reconnected := false
	if s.conn == nil || s.dead {
		if !reconnect {
			return &WriteError{Err: ErrPeerClosed}
		}
		if s.conn != nil {
			s.conn.Close()
		}
		if err := s.connect(ctx); err != nil {
			return &WriteError{Err: err}
		}
		reconnected = true
		s.notify("reconnected to %s", s.addr)
	}
	n, err := s.write(ctx, apdu)
	if err != nil && reconnect && n == 0 && !reconnected && ctx.Err() == nil && !isTimeout(err) {
		// The connection died while idle (reset): nothing went out, so a
		// fresh connection is safe.
		s.conn.Close()
		if cerr := s.connect(ctx); cerr != nil {
			return &WriteError{Err: cerr}
		}
		s.notify("reconnected to %s after %v", s.addr, err)
		n, err = s.write(ctx, apdu)
	}
	if err != nil {
		s.dead = true
		return &WriteError{Err: fmt.Errorf("link: write to %s: %w", s.addr, err), Sent: n}
	}
	return nil
}

func (s *streamConn) write(ctx context.Context, b []byte) (int, error) {
	if ctx.Err() == nil {
		// An APDU almost always fits the socket buffer: write it at once,
		// without arming a deadline and a cancel hook for a wait that does
		// not come. What does not fit is written the waiting way.
		if n, ok := s.raw.writeNow(b); ok && n > 0 {
			if n == len(b) {
				return n, nil
			}
			m, err := s.writeWait(ctx, b[n:])
			return n + m, err
		}
	}
	return s.writeWait(ctx, b)
}

// writeWait writes b within ctx's deadline (ConnectTimeout without one),
// giving up when ctx ends.
func (s *streamConn) writeWait(ctx context.Context, b []byte) (int, error) {
	dl, ok := ctx.Deadline()
	if !ok {
		dl = time.Now().Add(s.opts.ConnectTimeout)
	}
	s.conn.SetWriteDeadline(dl)
	defer s.conn.SetWriteDeadline(time.Time{})
	conn := s.conn
	fired := make(chan struct{})
	stop := context.AfterFunc(ctx, func() { conn.SetWriteDeadline(aLongTimeAgo); close(fired) })
	n, err := conn.Write(b)
	if !stop() {
		<-fired
	}
	return n, err
}

// Receive returns the next whole APDU. When ctx ends while an APDU is only
// partly read, the part is kept for the next Receive.
func (s *streamConn) Receive(ctx context.Context) ([]byte, error) {
	s.rmu.Lock()
	defer s.rmu.Unlock()
	buf := s.readBuf()
	for {
		s.mu.Lock()
		closed, conn, dead := s.closed, s.conn, s.dead
		apdu, err := s.ras.Next()
		s.mu.Unlock()
		if closed {
			return nil, ErrClosed
		}
		if err != nil {
			s.fail(conn, err)
			return nil, s.moreBanner(conn, err)
		}
		if apdu != nil {
			return apdu, nil
		}
		if conn == nil || dead {
			return nil, ErrPeerClosed
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		dl, _ := ctx.Deadline()
		conn.SetReadDeadline(dl)
		fired := make(chan struct{})
		stop := context.AfterFunc(ctx, func() { conn.SetReadDeadline(aLongTimeAgo); close(fired) })
		n, rerr := conn.Read(buf)
		if !stop() {
			<-fired
		}
		s.mu.Lock()
		if s.conn == conn {
			s.ras.Write(buf[:n])
		}
		partial := s.ras.Buffered()
		s.mu.Unlock()
		if rerr == nil {
			continue
		}
		if isTimeout(rerr) {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			return nil, context.DeadlineExceeded
		}
		s.mu.Lock()
		if s.conn == conn {
			s.dead = true
		}
		s.mu.Unlock()
		if apdu, _ := s.peek(); apdu != nil {
			return apdu, nil
		}
		if errors.Is(rerr, io.EOF) {
			if partial > 0 {
				s.mu.Lock()
				_, verr := apduLen(s.ras.buf, s.ras.MaxLen)
				s.mu.Unlock()
				if verr != nil {
					return nil, verr
				}
				return nil, fmt.Errorf("the terminal closed the connection in the middle of an APDU (%d bytes received): %w", partial, io.ErrUnexpectedEOF)
			}
			return nil, ErrPeerClosed
		}
		if s.isClosed() {
			return nil, ErrClosed
		}
		return nil, fmt.Errorf("link: read from %s: %w", s.addr, rerr)
	}
}

func (s *streamConn) peek() ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ras.Next()
}

func (s *streamConn) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

// fail marks the connection unusable after a stream error.
func (s *streamConn) fail(conn net.Conn, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conn == conn {
		s.dead = true
		s.ras.Reset()
	}
}

// moreBanner reads for a short moment more when the peer sent something
// that is not ZVT, so the message can show more of its banner.
func (s *streamConn) moreBanner(conn net.Conn, err error) error {
	var nz *NotZVTError
	if conn == nil || !errors.As(err, &nz) || len(nz.Sent) >= 64 {
		return err
	}
	conn.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
	buf := make([]byte, 64-len(nz.Sent))
	n, _ := io.ReadAtLeast(conn, buf, len(buf))
	conn.SetReadDeadline(time.Time{})
	nz.Sent = append(nz.Sent, buf[:n]...)
	return nz
}

// Reset drops the connection and anything buffered from it; the next Send
// connects again. The session calls it when T3 or T4 expires, so that a late
// answer to the abandoned command cannot be taken for the answer to the next
// one (PA00P016 §5.2.5: on T3 expiry close the socket).
func (s *streamConn) Reset() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conn != nil && !s.dead {
		s.conn.Close()
		s.dead = true
	}
	s.ras.Reset()
	return nil
}

// Close closes the connection. Send and Receive fail with ErrClosed after it.
func (s *streamConn) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	if s.conn != nil {
		return s.conn.Close()
	}
	return nil
}

func isTimeout(err error) bool {
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// dialError turns a connect failure into one line with what to try.
func dialError(addr string, timeout time.Duration, err error) error {
	var (
		dns  *net.DNSError
		cert *CertError
		rec  tls.RecordHeaderError
	)
	host, port, _ := net.SplitHostPort(addr)
	e := &DialError{Addr: addr, Err: err}
	switch {
	case errors.As(err, &dns):
		e.Msg = fmt.Sprintf("cannot resolve host %q", host)
		e.Hint = "check the spelling, or use the terminal's IP address (shown in its network menu)"
	case errors.Is(err, syscall.ECONNREFUSED):
		e.Msg = "connection refused"
		e.Hint = fmt.Sprintf("nothing listens on port %s: check the ZVT port in the terminal's ECR settings (default 20007) and that ZVT over LAN is enabled", port)
	case errors.As(err, &cert):
		e.Msg = "TLS: " + cert.Msg
		e.Hint = fmt.Sprintf("if this is the right terminal, pin its certificate with ?pin=%s or skip verification with ?insecure=1", cert.SHA256)
	case errors.As(err, &rec):
		e.Msg = "the terminal does not speak TLS on this port"
		e.Hint = "use tcp:// for plain ZVT, or the terminal's TLS port"
	case isTimeout(err) || errors.Is(err, context.DeadlineExceeded):
		e.Msg = fmt.Sprintf("no answer within %v", timeout)
		e.Hint = "check the IP address, that the terminal is switched on and on the same network (try ping), and that no firewall blocks the port"
	case errors.Is(err, syscall.ENETUNREACH), errors.Is(err, syscall.EHOSTUNREACH):
		e.Msg = "network unreachable"
		e.Hint = "check the IP address and this computer's network connection"
	case errors.Is(err, context.Canceled):
		e.Msg = "canceled"
	default:
		e.Msg = err.Error()
	}
	return e
}
