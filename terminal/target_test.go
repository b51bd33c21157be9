package terminal

import (
	"strings"
	"testing"
)

func TestParseTarget(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want Target
	}{
		{"tcp default port", "tcp://10.0.0.5", Target{Scheme: SchemeTCP, Addr: "10.0.0.5:20007"}},
		{"tcp explicit port", "tcp://pos.local:5001", Target{Scheme: SchemeTCP, Addr: "pos.local:5001"}},
		{"bare host:port is tcp", "127.0.0.1:22000", Target{Scheme: SchemeTCP, Addr: "127.0.0.1:22000"}},
		{"ipv6", "tcp://[::1]:20007", Target{Scheme: SchemeTCP, Addr: "[::1]:20007"}},
		{"tls pin", "tls://pos:22001?pin=AB:CD", Target{Scheme: SchemeTLS, Addr: "pos:22001", PinSHA256: "abcd"}},
		{"tls insecure", "tls://pos?insecure=1", Target{Scheme: SchemeTLS, Addr: "pos:20007", Insecure: true}},
		{"serial defaults 9600 8N2", "serial:///dev/ttyUSB0", Target{Scheme: SchemeSerial, Device: "/dev/ttyUSB0", Baud: 9600, DataBits: 8, StopBits: 2, Parity: "none"}},
		{"serial settings", "serial:///dev/ttyS1?baud=115200&stop=1&parity=even", Target{Scheme: SchemeSerial, Device: "/dev/ttyS1", Baud: 115200, DataBits: 8, StopBits: 1, Parity: "even"}},
		{"serial windows", "serial://COM3", Target{Scheme: SchemeSerial, Device: "COM3", Baud: 9600, DataBits: 8, StopBits: 2, Parity: "none"}},
		{"sim", "sim://lost-card", Target{Scheme: SchemeSim, Scenario: "lost-card"}},
		{"sim default", "sim://", Target{Scheme: SchemeSim, Scenario: "healthy"}},
		{"scheme case", "TCP://h:1", Target{Scheme: SchemeTCP, Addr: "h:1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseTarget(tt.in)
			if err != nil {
				t.Fatalf("ParseTarget(%q): %v", tt.in, err)
			}
			got.Raw = ""
			if got != tt.want {
				t.Errorf("ParseTarget(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseTargetErrors(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, wantSub string }{
		{"", "empty target"},
		{"ftp://x", "unknown scheme"},
		{"pos-terminal", "has no scheme"},
		{"tcp://:20007", "has no host"},
		{"tcp://h:99999", "not a number from 1 to 65535"},
		{"tcp://h:1?insecure=1", "TLS options"},
		{"serial://", "has no port"},
		{"serial:///dev/ttyS0?baud=12", "baud=12"},
		{"serial:///dev/ttyS0?parity=mark", "none, even, odd"},
		{"serial:///dev/ttyS0?speed=9600", "unknown setting"},
	}
	for _, tt := range tests {
		_, err := ParseTarget(tt.in)
		if err == nil || !strings.Contains(err.Error(), tt.wantSub) {
			t.Errorf("ParseTarget(%q) error = %v, want it to contain %q", tt.in, err, tt.wantSub)
		}
	}
}
