package link

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestDialErrorLines(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"unresolvable", &net.OpError{Op: "dial", Err: &net.DNSError{Err: "no such host", Name: "till-3.shop", IsNotFound: true}},
			`could not connect to till-3.shop:20007: cannot resolve host "till-3.shop": check the spelling, or use the terminal's IP address`},
		{"refused", &net.OpError{Op: "dial", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)},
			"could not connect to till-3.shop:20007: connection refused: nothing listens on port 20007"},
		{"timeout", context.DeadlineExceeded,
			"could not connect to till-3.shop:20007: no answer within 5s: check the IP address, that the terminal is switched on"},
		{"unreachable", &net.OpError{Op: "dial", Err: os.NewSyscallError("connect", syscall.EHOSTUNREACH)},
			"could not connect to till-3.shop:20007: network unreachable"},
		{"cert", &CertError{SHA256: "ab12", Msg: "certificate not trusted (x509: unknown authority)"},
			"could not connect to till-3.shop:20007: TLS: certificate not trusted (x509: unknown authority): if this is the right terminal, pin its certificate with ?pin=ab12 or skip verification with ?insecure=1"},
		{"plain port", tls.RecordHeaderError{Msg: "first record does not look like a TLS handshake"},
			"could not connect to till-3.shop:20007: the terminal does not speak TLS on this port: use tcp://"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := dialError("till-3.shop:20007", 5*time.Second, tt.err)
			if !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("got  %q\nwant %q…", err, tt.want)
			}
			if !errors.Is(err, tt.err) {
				t.Errorf("the cause is not wrapped")
			}
		})
	}
}
