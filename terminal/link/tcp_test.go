package link_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"errors"
	"io"
	"math/big"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/posdoctor/posdoctor/terminal/link"
)

// server is a loopback listener whose accepted connections the test drives.
type server struct {
	ln    net.Listener
	conns chan net.Conn
}

func listen(t *testing.T, ln net.Listener) *server {
	t.Helper()
	s := &server{ln: ln, conns: make(chan net.Conn, 8)}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				close(s.conns)
				return
			}
			s.conns <- c
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		for c := range s.conns {
			c.Close()
		}
	})
	return s
}

func newServer(t *testing.T) *server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return listen(t, ln)
}

func (s *server) accept(t *testing.T) net.Conn {
	t.Helper()
	select {
	case c := <-s.conns:
		t.Cleanup(func() { c.Close() })
		return c
	case <-time.After(5 * time.Second):
		t.Fatal("no connection within 5 s")
		return nil
	}
}

// dialTestPair dials a fresh loopback server with opts and returns a context
// of 10 s, the ECR's Conn (closed when the test ends), the terminal's end of
// the connection and the server (for the connections that follow).
func dialTestPair(t *testing.T, opts link.TCPOptions) (context.Context, link.Conn, net.Conn, *server) {
	t.Helper()
	srv := newServer(t)
	ctx := ctxT(t, 10*time.Second)
	c, err := link.DialTCP(ctx, srv.ln.Addr().String(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return ctx, c, srv.accept(t), srv
}

// readWant reads len(want) bytes on the terminal's end within 5 s and
// checks they are want.
func readWant(t *testing.T, pt net.Conn, want []byte) {
	t.Helper()
	got := make([]byte, len(want))
	pt.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.ReadFull(pt, got); err != nil || !bytes.Equal(got, want) {
		t.Fatalf("terminal read % X, %v; want % X", got, err, want)
	}
}

func extLen(n int) []byte {
	b := []byte{0x06, 0xD3, 0xFF, byte(n), byte(n >> 8)}
	for i := range n {
		b = append(b, byte(i))
	}
	return b
}

func TestTCPReassembler(t *testing.T) {
	t.Parallel()
	big := extLen(1126) // like Feig's 1126-byte print text block (zvt.md §5 V5)
	ack := unhex(t, "80 00 00")
	status := unhex(t, "04 FF 02 0A 01")
	tests := []struct {
		name   string
		chunks [][]byte
		want   [][]byte
	}{
		{"one apdu", [][]byte{ack}, [][]byte{ack}},
		{"split in header", [][]byte{ack[:1], ack[1:]}, [][]byte{ack}},
		{"split in body", [][]byte{status[:3], status[3:4], status[4:]}, [][]byte{status}},
		{"coalesced three", [][]byte{append(append(append([]byte{}, ack...), status...), ack...)}, [][]byte{ack, status, ack}},
		{"ext length split 1024 + rest", [][]byte{big[:1024], big[1024:]}, [][]byte{big}},
		{"ext length split inside FF lo hi", [][]byte{big[:3], big[3:4], big[4:]}, [][]byte{big}},
		{"ext length 80 00 with data then status", [][]byte{append(append([]byte{0x80, 0x00, 0xFF, 0x02, 0x00, 0xAA}, 0xBB), status...)}, [][]byte{{0x80, 0x00, 0xFF, 0x02, 0x00, 0xAA, 0xBB}, status}},
		{"tail of one with head of next", [][]byte{append(append([]byte{}, ack...), status[:2]...), status[2:]}, [][]byte{ack, status}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx, c, pt, _ := dialTestPair(t, link.TCPOptions{})
			pt.(*net.TCPConn).SetNoDelay(true)
			go func() {
				for _, ch := range tt.chunks {
					pt.Write(ch)
					time.Sleep(5 * time.Millisecond) // let each chunk be its own read
				}
			}()
			for i, want := range tt.want {
				got, err := c.Receive(ctx)
				if err != nil {
					t.Fatalf("Receive %d: %v", i, err)
				}
				if !bytes.Equal(got, want) {
					t.Fatalf("Receive %d = % X, want % X", i, got, want)
				}
			}
		})
	}
}

func TestTCPPartialAPDUSurvivesReadDeadline(t *testing.T) {
	t.Parallel()
	ctx, c, pt, _ := dialTestPair(t, link.TCPOptions{})
	status := unhex(t, "04 FF 02 0A 01")
	pt.Write(status[:3])
	short, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	_, err := c.Receive(short)
	cancel()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Receive err = %v, want DeadlineExceeded", err)
	}
	pt.Write(status[3:])
	got, err := c.Receive(ctx)
	if err != nil || !bytes.Equal(got, status) {
		t.Fatalf("Receive = % X, %v; want % X", got, err, status)
	}
}

func TestTCPEOFInsideAPDU(t *testing.T) {
	t.Parallel()
	ctx, c, pt, _ := dialTestPair(t, link.TCPOptions{})
	pt.Write(unhex(t, "04 0F 10 27 00"))
	pt.Close()
	if _, err := c.Receive(ctx); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("err = %v, want io.ErrUnexpectedEOF", err)
	}
}

func TestTCPReconnectAfterIdleClose(t *testing.T) {
	t.Parallel()
	var n notes
	ctx, c, first, srv := dialTestPair(t, link.TCPOptions{Notify: n.add})
	first.Close() // the terminal drops the idle connection (VX820 does after 1-2 s)
	time.Sleep(50 * time.Millisecond)

	req := unhex(t, "05 01 03 00 00 00")
	if err := c.Send(ctx, req); err != nil {
		t.Fatalf("Send after idle close: %v", err)
	}
	second := srv.accept(t)
	readWant(t, second, req)
	second.Write(unhex(t, "80 00 00"))
	if ack, err := c.Receive(ctx); err != nil || !bytes.Equal(ack, []byte{0x80, 0, 0}) {
		t.Fatalf("Receive = % X, %v", ack, err)
	}
	if !n.has("reconnected to") {
		t.Errorf("notes %q: want a reconnect notice", n.msg)
	}
}

func TestTCPNotZVT(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, sent, want string
	}{
		// Worldline Yomani on port 5001 (Portalum #33).
		{"yomani banner", "0000003E" + hex.EncodeToString([]byte("VER|APP 19.46.69|MODEL Yomani 2|SERIAL 1234")), `00 00 00 3E "VER|APP 19.46.69|MODEL Yomani 2|SERIAL 1234"`},
		// Ingenico Move 3500 (Portalum #42).
		{"lone bytes", "150369", "15 03 69"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx, c, pt, _ := dialTestPair(t, link.TCPOptions{})
			pt.Write(unhex(t, tt.sent))
			time.Sleep(20 * time.Millisecond)
			err := c.Send(ctx, unhex(t, "06 00 04 00 00 00 8E"))
			if err == nil {
				_, err = c.Receive(ctx)
			}
			if !errors.Is(err, link.ErrNotZVT) {
				t.Fatalf("err = %v, want ErrNotZVT", err)
			}
			if msg := err.Error(); !strings.Contains(msg, "this is not a ZVT terminal on this port (it sent: "+tt.want+")") {
				t.Errorf("err = %q, want it to show %s", msg, tt.want)
			}
		})
	}
}

func TestDialTCPRefused(t *testing.T) {
	t.Parallel()
	// A freed port may be taken again at once by another test listening on
	// :0; a dial that connects tried such a port, so take another one.
	var addr string
	var err error
	for range 5 {
		ln, lerr := net.Listen("tcp", "127.0.0.1:0")
		if lerr != nil {
			t.Fatal(lerr)
		}
		addr = ln.Addr().String()
		ln.Close()
		var c link.Conn
		if c, err = link.DialTCP(ctxT(t, 5*time.Second), addr, link.TCPOptions{}); err == nil {
			c.Close()
			continue
		}
		break
	}
	var de *link.DialError
	if !errors.As(err, &de) {
		t.Fatalf("err = %v, want *DialError", err)
	}
	if want := "could not connect to " + addr + ": connection refused: nothing listens on port"; !strings.HasPrefix(err.Error(), want) {
		t.Errorf("err = %q, want prefix %q", err, want)
	}
	if strings.Contains(err.Error(), "\n") {
		t.Errorf("err %q is not one line", err)
	}
}

func selfSigned(t *testing.T) (tls.Certificate, string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "posdoctor test terminal"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(der)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, hex.EncodeToString(sum[:])
}

func TestDialTLS(t *testing.T) {
	t.Parallel()
	cert, pin := selfSigned(t)
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}})
	if err != nil {
		t.Fatal(err)
	}
	srv := listen(t, ln)
	go func() { // answer every connection: read one APDU, ack it
		for c := range srv.conns {
			go func(c net.Conn) {
				defer c.Close()
				c.SetDeadline(time.Now().Add(5 * time.Second))
				b := make([]byte, 6)
				if _, err := io.ReadFull(c, b); err == nil {
					c.Write([]byte{0x80, 0x00, 0x00})
				}
			}(c)
		}
	}()
	addr := ln.Addr().String()
	pinColons := strings.ToUpper(pin[:2]) + ":" + pin[2:]
	tests := []struct {
		name    string
		opts    link.TCPOptions
		wantErr string
	}{
		{"default verification fails", link.TCPOptions{}, "could not connect to " + addr + ": TLS: certificate not trusted"},
		{"pinned", link.TCPOptions{PinSHA256: pin}, ""},
		{"pinned with colons and upper case", link.TCPOptions{PinSHA256: pinColons}, ""},
		{"wrong pin", link.TCPOptions{PinSHA256: strings.Repeat("ab", 32)}, "does not match the pinned SHA-256"},
		{"insecure", link.TCPOptions{Insecure: true}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := ctxT(t, 10*time.Second)
			c, err := link.DialTLS(ctx, addr, tt.opts)
			if tt.wantErr != "" {
				if err == nil {
					c.Close()
					t.Fatal("DialTLS succeeded, want an error")
				}
				if !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), "?pin="+pin) {
					t.Fatalf("err = %q, want %q and the pin hint", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("DialTLS: %v", err)
			}
			defer c.Close()
			if err := c.Send(ctx, unhex(t, "05 01 03 00 00 00")); err != nil {
				t.Fatal(err)
			}
			if got, err := c.Receive(ctx); err != nil || !bytes.Equal(got, []byte{0x80, 0, 0}) {
				t.Fatalf("Receive = % X, %v", got, err)
			}
		})
	}
}

func TestDialTLSOnPlainPort(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	go func() {
		c := srv.accept(t)
		c.Write(unhex(t, "80 00 00 80 00 00 80 00 00")) // a plain ZVT terminal
	}()
	_, err := link.DialTLS(ctxT(t, 5*time.Second), srv.ln.Addr().String(), link.TCPOptions{})
	if err == nil || !strings.Contains(err.Error(), "could not connect to") {
		t.Fatalf("err = %v, want a connect error", err)
	}
}

func FuzzReassembleTCP(f *testing.F) {
	f.Add([]byte{0x80, 0x00, 0x00, 0x04, 0xFF, 0x02, 0x0A, 0x01}, uint8(1))
	f.Add(extLen(300), uint8(7))
	f.Add([]byte{0x06, 0xD3, 0xFF, 0xFF, 0xFF}, uint8(2))
	f.Add([]byte{0x00, 0x00, 0x00, 0x3E, 'V', 'E', 'R'}, uint8(3))
	_, raw := vectorSeeds(f, false)
	for i, b := range raw {
		f.Add(b, uint8(i))
	}
	f.Fuzz(func(t *testing.T, stream []byte, step uint8) {
		// Oracle: feeding the stream in pieces of any size yields the same
		// APDUs as feeding it at once, and no APDU is longer than allowed.
		collect := func(pieces int) ([][]byte, error) {
			var r link.Reassembler
			var out [][]byte
			for i := 0; i < len(stream); i += pieces {
				r.Write(stream[i:min(i+pieces, len(stream))])
				for {
					a, err := r.Next()
					if err != nil {
						return out, err
					}
					if a == nil {
						break
					}
					if len(a) > 65535+5 {
						t.Fatalf("apdu of %d bytes", len(a))
					}
					out = append(out, a)
				}
			}
			return out, nil
		}
		whole, errW := collect(len(stream) + 1)
		parts, errP := collect(int(step%16) + 1)
		if (errW == nil) != (errP == nil) || len(whole) != len(parts) {
			t.Fatalf("whole: %d apdus, err %v; pieces: %d apdus, err %v", len(whole), errW, len(parts), errP)
		}
		var joined []byte
		for i := range whole {
			if !bytes.Equal(whole[i], parts[i]) {
				t.Fatalf("apdu %d differs", i)
			}
			joined = append(joined, whole[i]...)
		}
		if !bytes.HasPrefix(stream, joined) {
			t.Fatal("apdus are not a prefix of the stream")
		}
	})
}

func TestTCPResetDropsLateAnswer(t *testing.T) {
	t.Parallel()
	ctx, c, first, srv := dialTestPair(t, link.TCPOptions{})
	first.Write(unhex(t, "80 00")) // half of a late answer
	time.Sleep(20 * time.Millisecond)
	c.Reset()
	if err := c.Send(ctx, unhex(t, "05 01 00")); err != nil {
		t.Fatal(err)
	}
	second := srv.accept(t)
	second.Write(unhex(t, "84 83 00"))
	got, err := c.Receive(ctx)
	if err != nil || !bytes.Equal(got, unhex(t, "84 83 00")) {
		t.Fatalf("Receive = % X, %v; want the new connection's 84 83 00", got, err)
	}
}

// A Receive that timed out leaves a read deadline in the past; the look for
// an idle close before the next Send must still see the close.
func TestTCPReconnectAfterIdleCloseFollowingTimeout(t *testing.T) {
	t.Parallel()
	var n notes
	ctx, c, first, srv := dialTestPair(t, link.TCPOptions{Notify: n.add})
	short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	if _, err := c.Receive(short); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Receive err = %v, want DeadlineExceeded", err)
	}
	cancel()
	first.Close()
	time.Sleep(50 * time.Millisecond)

	req := unhex(t, "05 01 03 00 00 00")
	if err := c.Send(ctx, req); err != nil {
		t.Fatalf("Send after idle close: %v", err)
	}
	second := srv.accept(t)
	readWant(t, second, req)
	if !n.has("reconnected to") {
		t.Errorf("notes %q: want a reconnect notice", n.msg)
	}
}

// Bytes the terminal sent while the link was idle are kept by the look
// before a Send and come out of the next Receive.
func TestTCPIdleBytesKeptBySend(t *testing.T) {
	t.Parallel()
	ctx, c, pt, _ := dialTestPair(t, link.TCPOptions{})
	status := unhex(t, "04 FF 02 0A 01")
	pt.Write(status)
	time.Sleep(50 * time.Millisecond)
	if err := c.Send(ctx, unhex(t, "80 00 00")); err != nil {
		t.Fatal(err)
	}
	got, err := c.Receive(ctx)
	if err != nil || !bytes.Equal(got, status) {
		t.Fatalf("Receive = % X, %v; want % X", got, err, status)
	}
}

func TestNotZVTErrorMasksAFullPAN(t *testing.T) {
	t.Parallel()
	err := &link.NotZVTError{Sent: []byte("\x00\x00PAN=6228480000000001016;")}
	if s := err.Error(); strings.Contains(s, "6228480000000001016") || !strings.Contains(s, "622848*********1016") {
		t.Errorf("error %q: want the PAN masked", s)
	}
}
