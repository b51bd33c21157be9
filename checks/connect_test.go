package checks

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/posdoctor/posdoctor/model"
	"github.com/posdoctor/posdoctor/terminal"
)

func fakeOpener(d terminal.Driver) Opener {
	return func(context.Context, string, Config) (terminal.Driver, error) { return d, nil }
}

// A run that follows Connect at once (check, sweep) takes Connect's
// Registration and Status instead of asking the terminal again; a second
// run asks afresh.
func TestConnectPrimesTheFirstRun(t *testing.T) {
	t.Parallel()
	d := healthyFake(testNow)
	c, err := Connect(context.Background(), ConnectOptions{Target: "tcp://t", Config: testConfig(t), Open: fakeOpener(d), Recover: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if c.Identity.TID == "" || c.RegisterErr != nil {
		t.Fatalf("identity %+v, register error %v", c.Identity, c.RegisterErr)
	}
	c.Engine.SetClock(func() time.Time { return testNow })
	c.prime()
	rs := byID(c.Engine.Run(context.Background(), []model.CheckID{model.CheckLink, model.CheckStatus, model.CheckVersion}, RunOptions{}))
	if rs[model.CheckLink].Status != model.StatusOK || rs[model.CheckStatus].Status != model.StatusOK {
		t.Fatalf("results %+v", rs)
	}
	if got := d.Calls(); got != "register,status" {
		t.Errorf("calls %s, want register,status (one each)", got)
	}
	c.Engine.Run(context.Background(), []model.CheckID{model.CheckLink, model.CheckStatus}, RunOptions{})
	if got := d.Calls(); got != "register,status,register,status" {
		t.Errorf("calls %s: the second run must ask afresh", got)
	}
}

// The console requires the registration: a refusal ends Connect with the
// reason and closes the link. check and the sweep keep the refusal for the
// link check, which reports it with its code.
func TestConnectRegistrationRefused(t *testing.T) {
	t.Parallel()
	d := healthyFake(testNow)
	d.reg.Result = terminal.Result{Code: 0x6F, Text: "wrong password"}
	_, err := Connect(context.Background(), ConnectOptions{Target: "tcp://t", Config: testConfig(t), Open: fakeOpener(d), RequireRegistration: true})
	if err == nil || !strings.Contains(err.Error(), "refused the registration (code 6F") {
		t.Fatalf("err %v", err)
	}
	if strings.Contains(d.Calls(), "status") {
		t.Errorf("asked the status after a refused registration: %s", d.Calls())
	}

	d = healthyFake(testNow)
	d.reg.Result = terminal.Result{Code: 0x6F, Text: "wrong password"}
	c, err := Connect(context.Background(), ConnectOptions{Target: "tcp://t", Config: testConfig(t), Open: fakeOpener(d)})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.prime()
	rs := byID(c.Engine.Run(context.Background(), []model.CheckID{model.CheckLink}, RunOptions{}))
	if l := rs[model.CheckLink]; l.Status != model.StatusError || !strings.Contains(l.Summary, "refused registration") {
		t.Errorf("link %s %q", l.Status, l.Summary)
	}
	if got := d.Calls(); got != "register" {
		t.Errorf("calls %s, want one register", got)
	}
}

// A link that does not open is Connect's error, journaled.
func TestConnectOpenFails(t *testing.T) {
	t.Parallel()
	cfg := testConfig(t)
	j, err := OpenJournal(cfg.JournalDir, "s1")
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	open := func(context.Context, string, Config) (terminal.Driver, error) { return nil, errors.New("port busy") }
	if _, err := Connect(context.Background(), ConnectOptions{Target: "serial://COM3", Config: cfg, Open: open, Journal: j}); err == nil {
		t.Fatal("no error")
	}
	j.Flush()
	s, _ := ReadSession(j.Path())
	if len(s.Entries) != 1 || s.Entries[0].Kind != EntryError || s.Entries[0].Target != "serial://COM3" {
		t.Errorf("journal %+v", s.Entries)
	}
}
