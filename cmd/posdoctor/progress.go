package main

import (
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/posdoctor/posdoctor/checks"
	"github.com/posdoctor/posdoctor/model"
)

// progressLine shows what `check` is doing as one line on a terminal's
// stderr, rewritten in place and erased when the run ends: the results
// themselves are the text output's, so on a terminal each check is one line
// (issue 10: every line came twice, progress then result).
type progressLine struct {
	mu    sync.Mutex
	w     io.Writer
	lang  model.Lang
	shown bool
}

func newProgressLine(w io.Writer, lang model.Lang) *progressLine {
	return &progressLine{w: w, lang: lang}
}

// eraseLine is carriage return and erase to the end of the line (ECMA-48 EL).
const eraseLine = "\r\x1b[K"

// Progress words.
var (
	progChecking = model.Text{En: "… %s", Zh: "… 正在检查：%s"}
	progDoing    = model.Text{En: "… %s: %s", Zh: "… %s：%s"}
	progPayment  = model.Text{En: "… %s: test payment %s", Zh: "… %s：测试交易%s"}
)

// observe is the engine's Observe hook; safe for concurrent use.
func (p *progressLine) observe(ev checks.Event) {
	check := checks.Label(model.KindCheck, string(ev.Check), p.lang)
	switch ev.Kind {
	case checks.CheckStarted:
		p.show(fmt.Sprintf(progChecking.In(p.lang), check))
	case checks.CheckProgress:
		if t := ev.TextIn(p.lang); t != "" {
			p.show(fmt.Sprintf(progDoing.In(p.lang), check, t))
		}
	case checks.MoneyEvent:
		p.show(fmt.Sprintf(progPayment.In(p.lang), check, checks.Label(model.KindPayment, ev.Text, p.lang)))
	case checks.CheckFinished, checks.RunFinished:
		p.clear()
	}
}

// show replaces the line with s (one line: newlines in a terminal's prompt
// become spaces).
func (p *progressLine) show(s string) {
	s = checks.ScrubString(strings.Join(strings.Fields(s), " "))
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprint(p.w, eraseLine+s)
	p.shown = true
}

// clear erases the line; a nil progressLine does nothing.
func (p *progressLine) clear() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.shown {
		fmt.Fprint(p.w, eraseLine)
		p.shown = false
	}
}
