package checks

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/posdoctor/posdoctor/model"
)

// ProbeResult is the console's own check of one acquirer host.
type ProbeResult struct {
	Host     AcquirerHost
	DNS      time.Duration
	Connect  time.Duration
	TLS      time.Duration
	Addrs    []string
	NotAfter time.Time // leaf certificate expiry (TLS only)
	Err      error
	Stage    string // where it failed: dns, tcp, tls
	// Status is ok, or warn/fail for the console's view of this host.
	Status model.Status
	Note   string
	// NoteZh is Note in Chinese (the console's zh summary).
	NoteZh string
}

// RunProbes probes hosts concurrently: DNS, TCP connect and (for TLS hosts)
// a verified handshake, each bounded by cfg.Timeouts.Probe.
func RunProbes(ctx context.Context, hosts []AcquirerHost, cfg Config) []ProbeResult {
	out := make([]ProbeResult, len(hosts))
	var wg sync.WaitGroup
	for i, h := range hosts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i] = probeOne(ctx, h, cfg)
		}()
	}
	wg.Wait()
	return out
}

func probeOne(ctx context.Context, h AcquirerHost, cfg Config) ProbeResult {
	r := ProbeResult{Host: h, Status: model.StatusOK}
	host, port, err := splitHostPort(h.Addr)
	if err != nil {
		r.Err, r.Stage, r.Status = err, "config", model.StatusWarn
		return r
	}
	to := cfg.Timeouts.Probe
	dctx, cancel := context.WithTimeout(ctx, to)
	start := time.Now()
	addrs, err := net.DefaultResolver.LookupHost(dctx, host)
	cancel()
	r.DNS = time.Since(start)
	if err != nil {
		r.Err, r.Stage, r.Status = err, "dns", model.StatusWarn
		r.note(txf("%s: name lookup failed (check the DNS server of this network)", "%s：域名解析失败（请检查本网络的 DNS 服务器）", h.Addr))
		return r
	}
	r.Addrs = addrs
	cctx, cancel := context.WithTimeout(ctx, to)
	defer cancel()
	start = time.Now()
	var dialer net.Dialer
	conn, err := dialer.DialContext(cctx, "tcp", net.JoinHostPort(addrs[0], strconv.Itoa(port)))
	r.Connect = time.Since(start)
	if err != nil {
		r.Err, r.Stage, r.Status = err, "tcp", model.StatusWarn
		r.note(txf("%s: cannot connect (a firewall or proxy may block it)", "%s：连不上（可能被防火墙或代理拦截）", h.Addr))
		return r
	}
	defer conn.Close()
	if !h.TLS {
		return r
	}
	_ = conn.SetDeadline(time.Now().Add(to))
	start = time.Now()
	tc := tls.Client(conn, &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12})
	err = tc.HandshakeContext(cctx)
	r.TLS = time.Since(start)
	if err != nil {
		r.Err, r.Stage, r.Status = err, "tls", model.StatusWarn
		var he x509.HostnameError
		var ce x509.CertificateInvalidError
		var ua x509.UnknownAuthorityError
		switch {
		case errors.As(err, &ua):
			r.note(txf("%s: the certificate is not from a trusted authority (self-signed, or a TLS-inspecting proxy on this network)", "%s：证书不是受信任机构签发的（自签名，或本网络有解密 TLS 的代理）", h.Addr))
		case errors.As(err, &he):
			r.note(txf("%s: the certificate is not for this host name (a TLS-inspecting proxy?)", "%s：证书与主机名不符（是否有解密 TLS 的代理？）", h.Addr))
		case errors.As(err, &ce) && ce.Reason == x509.Expired:
			r.note(txf("%s: the certificate has expired", "%s：证书已过期", h.Addr))
		default:
			r.note(txf("%s: TLS handshake failed", "%s：TLS 握手失败", h.Addr))
		}
		return r
	}
	if cs := tc.ConnectionState(); len(cs.PeerCertificates) > 0 {
		r.NotAfter = cs.PeerCertificates[0].NotAfter
		if time.Until(r.NotAfter) < cfg.Timeouts.CertExpiry {
			r.Status = model.StatusWarn
			r.note(txf("%s: the certificate expires on %s", "%s：证书将于 %s 过期", h.Addr, r.NotAfter.Format("2006-01-02")))
		}
	}
	return r
}

func (r *ProbeResult) note(t model.Text) { r.Note, r.NoteZh = t.En, t.Zh }

var nonWord = regexp.MustCompile(`[^a-z0-9]+`)

// probeKey is a snake_case evidence key prefix for a host.
func probeKey(h AcquirerHost) string {
	n := h.Name
	if n == "" {
		n = h.Addr
	}
	return "acquirer_" + strings.Trim(nonWord.ReplaceAllString(strings.ToLower(n), "_"), "_")
}

// probeEvidence adds the probes to ev and returns their worst status and
// a summary.
func probeEvidence(ev map[string]string, ps []ProbeResult) (model.Status, model.Text) {
	st := model.StatusOK
	okN := 0
	var notes []model.Text
	for _, p := range ps {
		k := probeKey(p.Host)
		ev[k+"_dns_ms"] = strconv.FormatInt(p.DNS.Milliseconds(), 10)
		if p.Stage != "dns" && p.Stage != "config" {
			ev[k+"_tcp_ms"] = strconv.FormatInt(p.Connect.Milliseconds(), 10)
		}
		if p.Host.TLS && p.Stage == "" || p.Stage == "tls" {
			ev[k+"_tls_ms"] = strconv.FormatInt(p.TLS.Milliseconds(), 10)
		}
		if !p.NotAfter.IsZero() {
			ev[k+"_cert_expires"] = p.NotAfter.UTC().Format("2006-01-02")
		}
		if p.Err != nil {
			ev[k+"_error"] = p.Stage + ": " + ScrubString(p.Err.Error())
		}
		st = worse(st, p.Status)
		if p.Note != "" {
			zh := p.NoteZh
			if zh == "" {
				zh = p.Note
			}
			notes = append(notes, tx(p.Note, zh))
		}
		if p.Status == model.StatusOK {
			okN++
		}
	}
	if len(ps) == 0 {
		return st, model.Text{}
	}
	sum := txf("console reached %d of %d acquirer hosts", "本机连通了 %d/%d 个收单主机", okN, len(ps))
	if len(notes) > 0 {
		n := joinText(notes)
		sum = model.Text{En: sum.En + " (" + n.En + ")", Zh: sum.Zh + "（" + n.Zh + "）"}
	}
	return st, sum
}
