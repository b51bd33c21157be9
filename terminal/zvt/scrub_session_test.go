package zvt_test

import (
	"context"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/posdoctor/posdoctor/terminal"
	"github.com/posdoctor/posdoctor/terminal/zvt"
)

// A misconfigured terminal that prints the full PAN on its receipt, or a
// host that puts it in its text: the console's events, Outcome and Result
// show it masked.
func TestSessionMasksFullPANInTerminalTexts(t *testing.T) {
	t.Parallel()
	const pan = "6228480012345671"
	txt := func(s string) string { return strings.ToUpper(hex.EncodeToString([]byte(s))) }
	line := "PAN " + pan // 20 bytes
	var rec recorder
	s, p := newSession(t, zvt.SessionOptions{Observer: rec.add})
	done, out, err := runAsync(context.Background(), s, zvt.NewAuthorization(2500, 978))
	p.expect("06 01")
	p.send("80 00 00")
	// Intermediate status with its own text (TLV 24/07).
	p.exchange("04 FF 1C 17 03 06 18 24 16 07 14 " + txt(line))
	p.exchange("06 D1 15 00 " + txt(line))
	// Print text block: BMP 06 { 25 { 07 line } }.
	p.exchange("06 D3 1A 06 18 25 16 07 14 " + txt(line))
	p.exchange("06 0F 00")
	wait(t, done)
	if *err != nil {
		t.Fatal(*err)
	}
	var texts []string
	for _, e := range rec.all() {
		if e.Kind == terminal.EventPrompt || e.Kind == terminal.EventPrintLine {
			texts = append(texts, e.Text)
		}
	}
	if len(texts) != 3 {
		t.Fatalf("prompt and print events %q, want 3", texts)
	}
	texts = append(texts, (*out).Lines...)
	for _, s := range texts {
		if strings.Contains(s, pan) || !strings.Contains(s, "622848******5671") {
			t.Errorf("text %q: want the PAN masked to 622848******5671", s)
		}
	}

	d, p2 := newDriver(t, zvt.DriverOptions{Currency: 978})
	type res struct {
		pay terminal.Payment
		err error
	}
	got := make(chan res, 1)
	go func() { pay, err := d.Authorize(context.Background(), 100); got <- res{pay, err} }()
	p2.expect("06 01")
	p2.send("80 00 00")
	p2.exchange("04 0F 1B 27 37 06 17 1F 17 14 " + txt(line))
	p2.exchange("06 1E 01 37")
	r := <-got
	if r.err != nil {
		t.Fatal(r.err)
	}
	if r.pay.Result.Text != "PAN 622848******5671" {
		t.Errorf("result text %q, want PAN 622848******5671", r.pay.Result.Text)
	}
}
