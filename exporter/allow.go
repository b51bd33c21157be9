package exporter

import (
	"fmt"
	"net"
	"net/netip"
	"strings"

	"github.com/posdoctor/posdoctor/checks"
	"github.com/posdoctor/posdoctor/terminal"
)

// Allow is the set of targets the exporter may probe, so that it cannot be
// used to scan a shop network: the terminals of an inventory, target
// patterns, and address ranges.
type Allow struct {
	// Inventory is a CSV or YAML inventory file (as `check --inventory`):
	// its targets (by URL or by name) are allowed, with their settings.
	Inventory string `yaml:"inventory"`
	// Targets are target URL patterns, * any run of characters and ? one
	// character: "tcp://10.1.*:20007", "serial:///dev/ttyUSB?".
	Targets []string `yaml:"targets"`
	// CIDRs allow tcp:// and tls:// targets whose host is an IP address in
	// one of these ranges ("10.20.0.0/16"). Host names never match a
	// range: a name can resolve anywhere.
	CIDRs []string `yaml:"cidrs"`

	nets   []netip.Prefix
	byURL  map[string]checks.InventoryEntry
	byName map[string]checks.InventoryEntry
}

func (a *Allow) compile(inv []checks.InventoryEntry) error {
	a.nets = a.nets[:0]
	for _, s := range a.CIDRs {
		p, err := netip.ParsePrefix(strings.TrimSpace(s))
		if err != nil {
			return fmt.Errorf("allow.cidrs: %q is not an address range such as 10.20.0.0/16", s)
		}
		a.nets = append(a.nets, p.Masked())
	}
	for _, p := range a.Targets {
		if strings.TrimSpace(p) == "" {
			return fmt.Errorf("allow.targets: an empty pattern: give one such as tcp://10.1.*:20007")
		}
	}
	a.byURL, a.byName = map[string]checks.InventoryEntry{}, map[string]checks.InventoryEntry{}
	for _, e := range inv {
		a.byURL[e.Target] = e
		if e.Name != "" {
			a.byName[e.Name] = e
		}
	}
	return nil
}

// Resolve returns the inventory entry for target (a URL or an inventory
// name) and whether the exporter may probe it. A target the inventory
// does not list comes back as an entry of its own.
func (a *Allow) Resolve(target string) (checks.InventoryEntry, bool) {
	if e, ok := a.byURL[target]; ok {
		return e, true
	}
	if e, ok := a.byName[target]; ok {
		return e, true
	}
	e := checks.InventoryEntry{Target: target}
	for _, p := range a.Targets {
		if globMatch(p, target) {
			return e, true
		}
	}
	if len(a.nets) == 0 {
		return e, false
	}
	t, err := terminal.ParseTarget(target)
	if err != nil || t.Addr == "" {
		return e, false
	}
	host, _, err := net.SplitHostPort(t.Addr)
	if err != nil {
		host = t.Addr
	}
	ip, err := netip.ParseAddr(strings.Trim(host, "[]"))
	if err != nil {
		return e, false
	}
	ip = ip.Unmap()
	for _, n := range a.nets {
		if n.Contains(ip) {
			return e, true
		}
	}
	return e, false
}

// globMatch matches s against pattern, where * is any run of characters
// (slashes included) and ? is one character. It runs in O(len·len).
func globMatch(pattern, s string) bool {
	px, sx := 0, 0
	nextP, nextS := -1, -1
	for px < len(pattern) || sx < len(s) {
		if px < len(pattern) {
			switch c := pattern[px]; c {
			case '*':
				nextP, nextS = px, sx+1
				px++
				continue
			case '?':
				if sx < len(s) {
					px++
					sx++
					continue
				}
			default:
				if sx < len(s) && s[sx] == c {
					px++
					sx++
					continue
				}
			}
		}
		if nextS > 0 && nextS <= len(s) {
			px, sx = nextP, nextS
			continue
		}
		return false
	}
	return true
}
