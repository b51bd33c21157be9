package terminal

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// DefaultPort is the ZVT TCP port (research/zvt.md §2.5).
const DefaultPort = 20007

// Target schemes.
const (
	SchemeTCP    = "tcp"
	SchemeTLS    = "tls"
	SchemeSerial = "serial"
	SchemeSim    = "sim"
)

// Target is a parsed target URL (DESIGN.md "Targets").
type Target struct {
	Raw    string
	Scheme string
	// Addr is host:port for tcp and tls.
	Addr string
	// Device is the serial port path (/dev/ttyUSB0, COM3).
	Device string
	// Serial line settings; defaults 9600 8N2 (research/zvt.md §2.4).
	Baud     int
	DataBits int
	StopBits int
	Parity   string // "none", "even", "odd"
	// Scenario is the simulator scenario name or file for sim://.
	Scenario string
	// TLS options: Insecure skips verification, PinSHA256 pins the leaf
	// certificate's SHA-256 (hex) instead, ServerName overrides SNI.
	Insecure   bool
	PinSHA256  string
	ServerName string
}

// ParseTarget parses tcp://host[:port], tls://host[:port],
// serial:///dev/ttyUSB0?baud=9600&data=8&stop=2&parity=none, serial://COM3,
// and sim://SCENARIO. A bare host:port is taken as tcp.
func ParseTarget(s string) (Target, error) {
	raw := strings.TrimSpace(s)
	if raw == "" {
		return Target{}, fmt.Errorf("empty target: give tcp://host:port, serial:///dev/ttyUSB0 or sim://healthy")
	}
	if !strings.Contains(raw, "://") {
		if _, _, err := net.SplitHostPort(raw); err == nil {
			raw = "tcp://" + raw
		} else {
			return Target{}, fmt.Errorf("target %q has no scheme: use tcp://HOST:PORT, tls://HOST:PORT, serial://PORT or sim://SCENARIO", s)
		}
	}
	scheme, rest, _ := strings.Cut(raw, "://")
	t := Target{Raw: raw, Scheme: strings.ToLower(scheme)}
	switch t.Scheme {
	case SchemeTCP, SchemeTLS:
		u, err := url.Parse(raw)
		if err != nil {
			return Target{}, fmt.Errorf("target %q: %v", s, err)
		}
		host, port := u.Hostname(), u.Port()
		if host == "" {
			return Target{}, fmt.Errorf("target %q has no host: use %s://HOST:PORT", s, t.Scheme)
		}
		if port == "" {
			port = strconv.Itoa(DefaultPort)
		} else if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return Target{}, fmt.Errorf("target %q: port %q is not a number from 1 to 65535", s, port)
		}
		t.Addr = net.JoinHostPort(host, port)
		q := u.Query()
		t.Insecure = q.Get("insecure") == "1" || q.Get("insecure") == "true"
		t.PinSHA256 = strings.ToLower(strings.ReplaceAll(q.Get("pin"), ":", ""))
		t.ServerName = q.Get("servername")
		if t.Scheme == SchemeTCP && (t.Insecure || t.PinSHA256 != "") {
			return Target{}, fmt.Errorf("target %q: insecure and pin are TLS options: use tls://", s)
		}
	case SchemeSerial:
		dev, query, _ := strings.Cut(rest, "?")
		if dev == "" {
			return Target{}, fmt.Errorf("target %q has no port: use serial:///dev/ttyUSB0 or serial://COM3", s)
		}
		t.Device = dev
		t.Baud, t.DataBits, t.StopBits, t.Parity = 9600, 8, 2, "none"
		q, err := url.ParseQuery(query)
		if err != nil {
			return Target{}, fmt.Errorf("target %q: %v", s, err)
		}
		for key, vals := range q {
			v := vals[len(vals)-1]
			switch key {
			case "baud":
				t.Baud, err = atoiIn(v, 1200, 921600)
			case "data":
				t.DataBits, err = atoiIn(v, 5, 8)
			case "stop":
				t.StopBits, err = atoiIn(v, 1, 2)
			case "parity":
				t.Parity = strings.ToLower(v)
				if t.Parity != "none" && t.Parity != "even" && t.Parity != "odd" {
					err = fmt.Errorf("valid values are none, even, odd")
				}
			default:
				err = fmt.Errorf("unknown setting (valid: baud, data, stop, parity)")
			}
			if err != nil {
				return Target{}, fmt.Errorf("target %q: %s=%s: %v", s, key, v, err)
			}
		}
	case SchemeSim:
		t.Scenario = strings.TrimSuffix(rest, "/")
		if t.Scenario == "" {
			t.Scenario = "healthy"
		}
	default:
		return Target{}, fmt.Errorf("target %q: unknown scheme %q: valid schemes are tcp, tls, serial, sim", s, scheme)
	}
	return t, nil
}

func atoiIn(s string, lo, hi int) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return 0, fmt.Errorf("want a number from %d to %d", lo, hi)
	}
	return n, nil
}

// String returns the target as a URL.
func (t Target) String() string { return t.Raw }
