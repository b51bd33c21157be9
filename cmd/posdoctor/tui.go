package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/mattn/go-runewidth"
	"github.com/spf13/cobra"

	"github.com/posdoctor/posdoctor/checks"
	"github.com/posdoctor/posdoctor/model"
	"github.com/posdoctor/posdoctor/terminal"
	"github.com/posdoctor/posdoctor/terminal/sim"
	"github.com/posdoctor/posdoctor/ui"
	"github.com/posdoctor/posdoctor/ui/i18n"
	"github.com/posdoctor/posdoctor/ui/theme"
)

// TUIOptions holds the flags of `posdoctor tui` (also the root command's:
// `posdoctor` with no subcommand opens the console).
type TUIOptions struct {
	IO *IO
	// Now is the clock (tests pass a fake one).
	Now func() time.Time
	// Getenv reads the environment (LANG, NO_COLOR).
	Getenv func(string) string

	Target     string
	Lang       string
	Theme      string
	Scenario   string
	ConfigPath string
	NoColor    bool

	ShareFlags
	TraceLog string // a host-message log to open in the trace view
}

func newTUICmd(f *factory, runF func(*TUIOptions) error) *cobra.Command {
	opts := &TUIOptions{IO: f.IO, Now: f.Now, Getenv: os.Getenv}
	cmd := &cobra.Command{
		Use:   "tui",
		Short: "Open the operator console (the default command)",
		Long: `Open the operator console: connect to a terminal (serial port, TCP/TLS address,
recent target, or the built-in simulator), start from the symptom the terminal
showed, run the live checks, read the diagnosis and follow the guided steps.

Keys: ? help, L switches 中文/English, T cycles themes, q quits.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if _, ok := theme.ParseMode(opts.Theme); !ok {
				return flagErrorf("invalid --theme %q: valid values are auto, dark, light, high-contrast", opts.Theme)
			}
			switch strings.ToLower(opts.Lang) {
			case "", "auto", "zh", "zh-cn", "zh_cn", "en", "en-us", "en_us":
			default:
				return flagErrorf("invalid --lang %q: valid values are zh, en", opts.Lang)
			}
			if err := checkScenario(opts.Scenario); err != nil {
				return err
			}
			if opts.Target != "" {
				if _, err := terminal.ParseTarget(opts.Target); err != nil {
					return flagErrorf("invalid --target: %v", err)
				}
			}
			if runF != nil {
				return runF(opts)
			}
			return tuiRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Target, "target", "", "connect at once to the target URL (tcp://HOST:PORT, tls://, serial://PORT, sim://SCENARIO)")
	fl.StringVar(&opts.Lang, "lang", "", "console language: zh or en (default from LANG)")
	fl.StringVar(&opts.Theme, "theme", "auto", "colour theme: auto, dark, light, high-contrast")
	fl.StringVar(&opts.Scenario, "scenario", "healthy", "simulator scenario highlighted on the connect screen")
	fl.StringVar(&opts.ConfigPath, "config", "", "config file (default: the user config dir's posdoctor/config.yaml)")
	fl.BoolVar(&opts.NoColor, "no-color", false, "no colours (also when NO_COLOR is set)")
	addShareFlags(fl, &opts.ShareFlags)
	fl.StringVar(&opts.TraceLog, "trace-log", "", "open a host log of CUP ISO 8583 hex lines in the trace view (l opens one there)")
	return cmd
}

// consoleSetup is everything tuiRun builds before the program starts; the
// flow tests build it the same way.
type consoleSetup struct {
	model   *ui.Model
	backend *consoleBackend
	share   *sharer
}

func newConsole(opts *TUIOptions) (*consoleSetup, error) {
	cfg, err := checks.LoadConfig(opts.ConfigPath)
	if err != nil {
		return nil, &ExitError{Code: exitCantRun, Err: err}
	}
	getenv := opts.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	lang := consoleLang(opts.Lang, cfg, getenv)
	mode, _ := theme.ParseMode(opts.Theme)
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	b := newConsoleBackend(cfg, now)
	sh := &sharer{o: opts.ShareFlags}
	m := ui.New(ui.Options{
		Share:    sh.start,
		Backend:  b,
		Target:   opts.Target,
		Scenario: opts.Scenario,
		Lang:     lang,
		Theme:    mode,
		NoColor:  opts.NoColor || getenv("NO_COLOR") != "",
		Now:      now,
		Amount:   cfg.Amount,
		Currency: cfg.Currency,
		Hint:     terminalHint(runtime.GOOS, getenv),
		TraceLog: opts.TraceLog,
	})
	return &consoleSetup{model: m, backend: b, share: sh}, nil
}

func tuiRun(ctx context.Context, opts *TUIOptions) error {
	if !opts.IO.InTTY || !opts.IO.OutTTY {
		return &ExitError{Code: exitCantRun, Err: errors.New("the console needs a terminal: run it in a terminal window, or use `posdoctor check --target URL` for scripts")}
	}
	// Ambiguous-width glyphs are one cell, like Windows Terminal and tmux
	// (research/tui.md §4.5), whatever the locale says.
	runewidth.DefaultCondition.EastAsianWidth = false
	runewidth.EastAsianWidth = false

	cs, err := newConsole(opts)
	if err != nil {
		return err
	}
	if ctx == nil {
		ctx = context.Background()
	}
	// A signal does not end the program by itself: the console turns it
	// into its own quit, which finishes a test payment in flight first
	// (ui.Model.Filter). So the program's context is not the signal's.
	defer cs.share.close()
	if opts.sharing() {
		if _, err := cs.share.start(cs.model.Case); err != nil {
			return shareError(err)
		}
	}
	p := tea.NewProgram(cs.model,
		tea.WithContext(context.WithoutCancel(ctx)),
		tea.WithInput(opts.IO.In),
		tea.WithOutput(opts.IO.Out),
		tea.WithFPS(30),
		tea.WithFilter(cs.model.Filter),
	)
	_, err = p.Run()
	_ = cs.model.Close()
	cs.backend.close()
	if note := cs.model.ExitNote(); note != "" {
		fmt.Fprintln(opts.IO.ErrOut, note)
	}
	if err != nil && !errors.Is(err, tea.ErrInterrupted) && !errors.Is(err, tea.ErrProgramKilled) && !errors.Is(err, context.Canceled) {
		return &ExitError{Code: exitCantRun, Err: fmt.Errorf("console: %w", err)}
	}
	return nil
}

// checkScenario rejects a --scenario the simulator does not have, naming
// the ones it has.
func checkScenario(name string) error {
	var names []string
	for _, s := range sim.Scenarios() {
		if s.Name == name {
			return nil
		}
		names = append(names, s.Name)
	}
	return flagErrorf("unknown --scenario %q: valid values are %s", name, strings.Join(names, ", "))
}

// terminalHint suggests Windows Terminal on Windows (goos) consoles without
// it (research/tui.md §4.5: legacy conhost draws CJK and redraws badly).
func terminalHint(goos string, getenv func(string) string) string {
	if goos == "windows" && getenv("WT_SESSION") == "" {
		return "建议使用 Windows Terminal / use Windows Terminal for best results"
	}
	return ""
}

// langOf is the report language for a console language.
func langOf(l model.Lang) model.Lang {
	if l == model.LangZh {
		return model.LangZh
	}
	return model.LangEn
}

// consoleLang is a console's language: --lang, else the config's locale,
// else the environment's (LC_ALL, LC_MESSAGES, LANG). The console and serve
// --ssh's consoles read it alike.
func consoleLang(flag string, cfg checks.Config, getenv func(string) string) model.Lang {
	if flag == "" && cfg.Locale != "" {
		if l, ok := i18n.Parse(cfg.Locale); ok {
			return l
		}
	}
	return i18n.Detect(flag, getenv)
}
