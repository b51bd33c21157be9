package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/posdoctor/posdoctor/checks"
	"github.com/posdoctor/posdoctor/model"
)

// fleetProgress is the progress bar of a fleet sweep on a terminal's
// stderr: one line, redrawn in place at most every redrawEvery, erased at
// the end. Not safe for concurrent use: checkFleet calls it from its
// serial emit.
type fleetProgress struct {
	w      io.Writer
	lang   model.Lang
	total  int
	done   int
	bad    map[model.Status]int
	start  time.Time
	now    func() time.Time
	last   time.Time
	shown  bool
	width  int // of the bar, in cells
	redraw time.Duration
}

// redrawEvery bounds how often the bar is redrawn (a sweep of thousands
// finishes terminals faster than a screen needs).
const redrawEvery = 100 * time.Millisecond

func newFleetProgress(w io.Writer, total int, lang model.Lang, now func() time.Time) *fleetProgress {
	if now == nil {
		now = time.Now
	}
	t := now()
	return &fleetProgress{w: w, lang: lang, total: total, bad: map[model.Status]int{}, start: t, now: now, width: 30, redraw: redrawEvery}
}

// Progress words.
var (
	progFleet   = model.Text{En: "%s %d/%d terminals", Zh: "%s 已检查 %d/%d 台"}
	progETA     = model.Text{En: ", about %s left", Zh: "，约剩 %s"}
	progCounted = model.Text{En: ", %d %s", Zh: "，%s %d 台"}
)

// add counts a finished terminal and redraws when it is time.
func (p *fleetProgress) add(r checks.TerminalReport) {
	p.done++
	if r.Verdict != model.StatusOK && r.Verdict != model.StatusSkip {
		p.bad[r.Verdict]++
	}
	if t := p.now(); p.done == p.total || t.Sub(p.last) >= p.redraw {
		p.last = t
		p.draw()
	}
}

// line is the bar's text: [#####.....] 412/1000 terminals, 3 fail, about 12s left.
func (p *fleetProgress) line() string {
	filled := 0
	if p.total > 0 {
		filled = p.done * p.width / p.total
	}
	bar := "[" + strings.Repeat("#", filled) + strings.Repeat(".", p.width-filled) + "]"
	s := fmt.Sprintf(progFleet.In(p.lang), bar, p.done, p.total)
	for _, v := range []model.Status{model.StatusFail, model.StatusError, model.StatusWarn} {
		if n := p.bad[v]; n > 0 {
			if p.lang == model.LangZh {
				s += fmt.Sprintf(progCounted.Zh, checks.Label(model.KindStatus, string(v), p.lang), n)
			} else {
				s += fmt.Sprintf(progCounted.En, n, v)
			}
		}
	}
	if p.done > 0 && p.done < p.total {
		el := p.now().Sub(p.start)
		left := time.Duration(float64(el) / float64(p.done) * float64(p.total-p.done))
		s += fmt.Sprintf(progETA.In(p.lang), left.Round(time.Second))
	}
	return s
}

func (p *fleetProgress) draw() {
	fmt.Fprint(p.w, eraseLine+p.line())
	p.shown = true
}

// clear erases the bar (before a line goes to the same screen, and at the
// end); the next add draws it again.
func (p *fleetProgress) clear() {
	if p.shown {
		fmt.Fprint(p.w, eraseLine)
		p.shown = false
		p.last = time.Time{}
	}
}
