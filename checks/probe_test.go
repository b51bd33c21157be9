package checks

import (
	"context"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/posdoctor/posdoctor/model"
)

func TestProbes(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	// httptest's certificate is self-signed, as a TLS-inspecting proxy's is.
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	defer srv.Close()
	closed, _ := net.Listen("tcp", "127.0.0.1:0")
	closedAddr := closed.Addr().String()
	closed.Close()

	cfg := DefaultConfig()
	cfg.Timeouts.Probe = 2 * time.Second
	hosts := []AcquirerHost{
		{Name: "plain", Addr: ln.Addr().String()},
		{Name: "tls", Addr: strings.TrimPrefix(srv.URL, "https://"), TLS: true},
		{Name: "closed", Addr: closedAddr},
	}
	ps := RunProbes(context.Background(), hosts, cfg)
	if ps[0].Status != model.StatusOK || ps[0].Err != nil {
		t.Errorf("plain: %+v", ps[0])
	}
	if ps[1].Stage != "tls" || !strings.Contains(ps[1].Note, "not from a trusted authority") {
		t.Errorf("tls: stage %q note %q err %v", ps[1].Stage, ps[1].Note, ps[1].Err)
	}
	if ps[2].Stage != "tcp" || ps[2].Status != model.StatusWarn {
		t.Errorf("closed: %+v", ps[2])
	}
	ev := map[string]string{}
	st, sum := probeEvidence(ev, ps)
	if st != model.StatusWarn || !strings.HasPrefix(sum.En, "console reached 1 of 3 acquirer hosts") || !strings.HasPrefix(sum.Zh, "本机连通了 1/3 个收单主机") {
		t.Errorf("status %s summary %q", st, sum)
	}
	for _, k := range []string{"acquirer_plain_tcp_ms", "acquirer_tls_tls_ms", "acquirer_tls_error", "acquirer_closed_error"} {
		if _, ok := ev[k]; !ok {
			t.Errorf("evidence lacks %s: %v", k, ev)
		}
	}
}
