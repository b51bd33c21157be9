package remote

import (
	"fmt"
	"strings"
	"sync"

	tea "charm.land/bubbletea/v2"

	"github.com/posdoctor/posdoctor/model"
	"github.com/posdoctor/posdoctor/ui"
	"github.com/posdoctor/posdoctor/ui/theme"
)

// waiting is the screen of a login whose turn has not come: who has the
// terminal and since when; w watches that login's console read-only
// meanwhile; once the terminal is free, the login's own console.
type waiting struct {
	s       *Session
	cs      *Consoles
	turn    *turn
	console Console
	who     string
	held    chan Holder
	onTurn  func()

	holder Holder
	// watch is the read-only view of the holder's case, and the case; the
	// login's end (another goroutine) may stop it.
	wmu     sync.Mutex
	watch   *ui.Model
	watched *ui.Case
	inner   tea.Model // the login's own console, once it is its turn
	// replay are the messages about this login's terminal (size, colours)
	// a view gets first when it starts.
	replay []tea.Msg
}

type (
	holderMsg Holder
	turnMsg   struct{}
)

func (w *waiting) Init() tea.Cmd {
	if h, ok := w.cs.lease.Holder(); ok {
		w.holder = h
	}
	return tea.Batch(w.acquire(), w.listen())
}

// acquire waits for the terminal until the login ends.
func (w *waiting) acquire() tea.Cmd {
	ctx := w.s.SSH.Context()
	return func() tea.Msg {
		release, err := w.cs.lease.Acquire(ctx, w.who, func(h Holder) {
			select {
			case w.held <- h:
			default:
			}
		})
		if err != nil || !w.turn.take(release) {
			return nil
		}
		w.onTurn()
		return turnMsg{}
	}
}

func (w *waiting) listen() tea.Cmd {
	ctx := w.s.SSH.Context()
	return func() tea.Msg {
		select {
		case h := <-w.held:
			return holderMsg(h)
		case <-ctx.Done():
			return nil
		}
	}
}

func (w *waiting) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if w.inner != nil {
		var cmd tea.Cmd
		w.inner, cmd = w.inner.Update(msg)
		return w, cmd
	}
	switch msg := msg.(type) {
	case tea.WindowSizeMsg, tea.ColorProfileMsg, tea.BackgroundColorMsg:
		w.replay = append(w.replay, msg)
	case holderMsg:
		w.holder = Holder(msg)
		w.stopWatching() // a new holder is another case
		return w, w.listen()
	case turnMsg:
		w.stopWatching()
		return w, w.start()
	}
	if v := w.watching(); v != nil {
		_, cmd := v.Update(msg)
		return w, cmd
	}
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch k.String() {
		case "q", "ctrl+c":
			return w, tea.Quit
		case "w":
			return w, w.startWatching()
		}
	}
	return w, nil
}

// startWatching opens a read-only view of the holder's console: the
// holder's screen lists this login among the watchers.
func (w *waiting) startWatching() tea.Cmd {
	c := w.cs.current()
	if c == nil {
		return nil
	}
	who := ui.Actor{ID: w.s.ID, Name: w.who, Remote: true}
	v := ui.NewView(c, ui.Options{Actor: who, Lang: w.s.Lang, Theme: theme.Dark})
	c.Join(ui.Viewer{Actor: who, Lang: w.s.Lang, Addr: w.s.SSH.RemoteAddr().String()})
	w.wmu.Lock()
	w.watch, w.watched = v, c
	w.wmu.Unlock()
	cmds := []tea.Cmd{v.Init()}
	for _, msg := range w.replay {
		_, cmd := v.Update(msg)
		cmds = append(cmds, cmd)
	}
	return tea.Batch(cmds...)
}

func (w *waiting) stopWatching() {
	w.wmu.Lock()
	v, c := w.watch, w.watched
	w.watch, w.watched = nil, nil
	w.wmu.Unlock()
	if v == nil {
		return
	}
	_ = v.Close()
	c.Leave(w.s.ID)
}

func (w *waiting) watching() *ui.Model {
	w.wmu.Lock()
	defer w.wmu.Unlock()
	return w.watch
}

// start turns the waiting screen into the login's own console.
func (w *waiting) start() tea.Cmd {
	m := w.cs.start(w.s, w.turn, w.console)
	w.inner = m
	cmds := []tea.Cmd{m.Init()}
	for _, msg := range w.replay {
		var cmd tea.Cmd
		w.inner, cmd = w.inner.Update(msg)
		cmds = append(cmds, cmd)
	}
	w.replay = nil
	return tea.Batch(cmds...)
}

func (w *waiting) View() tea.View {
	if w.inner != nil {
		return w.inner.View()
	}
	if v := w.watching(); v != nil {
		return v.View()
	}
	v := tea.NewView(w.text())
	v.AltScreen = true
	return v
}

// waitTexts are the waiting screen's lines.
var waitTexts = map[string]model.Text{
	"title": {En: "posdoctor: waiting for the terminal", Zh: "posdoctor：等待终端"},
	"busy":  {En: "The terminal is in use by %s since %s.", Zh: "终端正由 %s 使用（自 %s 起）。"},
	"why":   {En: "One login at a time talks to the terminal, so commands never mix on its line.", Zh: "同一时间只有一个登录可以与终端通信，指令不会在线路上混在一起。"},
	"next":  {En: "Your console opens by itself as soon as they leave.", Zh: "对方退出后，您的控制台会自动打开。"},
	"keys":  {En: "w watches their console (read-only)   q quits", Zh: "w 观看对方的控制台（只读）   q 退出"},
}

func (w *waiting) t(k string) string { return waitTexts[k].In(w.s.Lang) }

func (w *waiting) text() string {
	name, since := w.holder.Name, w.holder.Since.Format("15:04")
	if name == "" {
		name, since = "?", "--:--"
	}
	lines := []string{w.t("title"), "", fmt.Sprintf(w.t("busy"), name, since), "", w.t("why"), w.t("next"), "", w.t("keys")}
	var b strings.Builder
	b.WriteString("\n")
	for _, l := range lines {
		if l != "" {
			b.WriteString("  " + l)
		}
		b.WriteString("\n")
	}
	return b.String()
}
