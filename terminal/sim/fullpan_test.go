package sim_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/posdoctor/posdoctor/terminal"
	"github.com/posdoctor/posdoctor/terminal/dial"
	"github.com/posdoctor/posdoctor/terminal/sim"
	"github.com/posdoctor/posdoctor/terminal/zvt"
)

// fullPANHealthy is the healthy scenario's card PAN (fixtures/scenarios).
const fullPANHealthy = "6228480000000001016"

// TestFaultFullPANSendsTheWholeNumber: with full-pan the terminal really
// puts the whole PAN on the wire (BMP 22 and the receipt), so the masking
// tests that use it can fail.
func TestFaultFullPANSendsTheWholeNumber(t *testing.T) {
	t.Parallel()
	e, _, _ := startTCP(t, eurHealthy(t), sim.Options{Faults: []string{sim.FaultFullPAN}})
	e.do(v4Registration) // config 9E: the ECR prints, so the receipt comes as 06 D3
	tr := e.do(cmdAuth(100))
	si := tr.find(zvt.CmdStatusInfo)
	bcdPAN := []byte{0x62, 0x28, 0x48, 0x00, 0x00, 0x00, 0x00, 0x01, 0x01, 0x6F}
	if !bytes.Contains(si, append([]byte{0x22, 0xF1, 0xF0}, bcdPAN...)) {
		t.Errorf("04 0F = % X: want BMP 22 with the full PAN", si)
	}
	var printed bool
	for _, m := range tr.msgs {
		if bytes.Contains(m, []byte(fullPANHealthy)) {
			printed = true
		}
	}
	if !printed {
		t.Errorf("no message prints the full PAN: %s", tr)
	}
}

// TestConsoleMasksAMisconfiguredTerminalsPAN: the console's driver shows
// the full-pan terminal's card number masked in frames and the payment (the
// console registers so that the terminal prints its own receipt; print lines
// are covered by zvt's TestSessionMasksFullPANInTerminalTexts).
func TestConsoleMasksAMisconfiguredTerminalsPAN(t *testing.T) {
	t.Parallel()
	sc := loadScenario(t, "healthy")
	term := sim.New(sc, sim.Options{Faults: []string{sim.FaultFullPAN}})
	var mu sync.Mutex
	var events []terminal.Event
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	d, err := dial.Open(ctx, "sim://healthy", dial.Options{Sim: term, OnEvent: func(ev terminal.Event) {
		mu.Lock()
		events = append(events, ev)
		mu.Unlock()
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, err := d.Register(ctx); err != nil {
		t.Fatalf("register: %v", err)
	}
	pay, err := d.Authorize(ctx, 1)
	if err != nil {
		t.Fatalf("authorize: %v", err)
	}
	out, err := json.Marshal(pay)
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	evs, err := json.Marshal(events)
	mu.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	all := string(out) + string(evs)
	for _, leak := range []string{fullPANHealthy, "62 28 48 00 00 00 00 01 01", zvt.Hex([]byte(fullPANHealthy))} {
		if strings.Contains(all, leak) {
			t.Errorf("the console shows %q:\n%s", leak, all)
		}
	}
	if !strings.Contains(all, "622848*********1016") {
		t.Errorf("the masked PAN 622848*********1016 is nowhere:\n%s", all)
	}
}
