package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/itchyny/gojq"
	"github.com/spf13/cobra"

	"github.com/posdoctor/posdoctor/checks"
	"github.com/posdoctor/posdoctor/model"
	"github.com/posdoctor/posdoctor/terminal"
)

// Check output formats.
var checkFormats = []string{"text", "json", "junit"}

// Defaults of `posdoctor check`.
const (
	defaultCheckFormat  = "text"
	defaultCheckTimeout = 10 * time.Minute
	defaultConcurrency  = 16
)

// CheckOptions holds the flags of `posdoctor check`.
type CheckOptions struct {
	IO   *IO
	Now  func() time.Time
	Open checks.Opener

	Target        string
	Checks        string
	WithCard      bool
	KnownGoodCard bool
	Amount        int64
	Symptom       string
	Format        string
	JQ            string
	Timeout       time.Duration
	ConfigPath    string
	JournalDir    string
	Inventory     string
	Concurrency   int
	Shard         string

	// Parsed by the command.
	checkIDs       []model.CheckID
	shardI, shardN int
	jq             *gojq.Code
}

func newCheckCmd(f *factory, runF func(*CheckOptions) error) *cobra.Command {
	opts := &CheckOptions{IO: f.IO, Now: f.Now, Open: openDriver}
	cmd := &cobra.Command{
		Use:   "check --target URL | --inventory FILE",
		Short: "Run the live checks headless (one terminal or a fleet): text, JSON or JUnit",
		Long: `Run the live checks on a terminal without the console and print the verdict,
the evidence of each check, the likely causes and the first steps.

Checks run in this order: link, status, version, network, reader, transaction.
reader and transaction need a card at the terminal and run only with
--with-card; the transaction check pays a small test amount and reverses it at
once (the intent is written to the session journal first).

Exit codes: 0 all ok, 1 warnings, 2 a check failed, 3 could not run (bad
target, no answer, bad input). A fleet sweep exits with the worst of
fail (2), could not run (3), warn (1), ok (0), in that order.`,
		Example: `  posdoctor check --target tcp://10.0.0.5:20007
  posdoctor check --target sim://insufficient-funds --with-card --format json --jq .verdict
  posdoctor check --target serial:///dev/ttyUSB0 --checks link,status,version
  posdoctor check --inventory shops.csv --concurrency 50 --shard 1/4 --format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.validate(); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return checkRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&opts.Target, "target", "t", "", "terminal URL: tcp://HOST:PORT, tls://HOST:PORT, serial:///dev/ttyUSB0, serial://COM3, sim://SCENARIO")
	fl.StringVar(&opts.Checks, "checks", "", "check ids to run, comma separated (default all): "+checks.CheckList())
	fl.BoolVar(&opts.WithCard, "with-card", false, "run the checks that need a card at the terminal (reader, transaction)")
	fl.BoolVar(&opts.KnownGoodCard, "known-good-card", false, "the card at the terminal is known to work elsewhere")
	fl.Int64Var(&opts.Amount, "amount", 0, "test payment in minor UNITS (default from config, 1)")
	fl.StringVar(&opts.Symptom, "symptom", "", "what the terminal showed, as a symptom ID (auth_failed, card_error, lost_card, wrong_pin, account_frozen, …)")
	fl.StringVarP(&opts.Format, "format", "f", defaultCheckFormat, "output FORMAT: "+strings.Join(checkFormats, ", "))
	fl.StringVarP(&opts.JQ, "jq", "q", "", "filter JSON output with a jq EXPRESSION (needs --format json)")
	fl.DurationVar(&opts.Timeout, "timeout", defaultCheckTimeout, "give up on a terminal after this DURATION")
	fl.StringVar(&opts.ConfigPath, "config", "", "config FILE (default: the user config dir's posdoctor/config.yaml)")
	fl.StringVar(&opts.JournalDir, "journal-dir", "", "write the session journal to DIR (default from config)")
	fl.StringVar(&opts.Inventory, "inventory", "", "check every terminal of a CSV or YAML inventory FILE (JSON Lines with --format json)")
	fl.IntVar(&opts.Concurrency, "concurrency", defaultConcurrency, "fleet sweep: terminals checked at the same time")
	fl.StringVar(&opts.Shard, "shard", "", "fleet sweep: check only shard I/N of the inventory (1-based)")
	return cmd
}

// symptomIDs lists the symptom ids the diagnosis knows, in menu order.
func symptomIDs() []string {
	var out []string
	for _, s := range model.Symptoms() {
		out = append(out, string(s.ID))
	}
	return out
}

func (o *CheckOptions) validate() error {
	if !slices.Contains(checkFormats, o.Format) {
		return flagErrorf("invalid format %q: valid values are %s", o.Format, strings.Join(checkFormats, ", "))
	}
	if o.JQ != "" {
		if o.Format != "json" {
			return flagErrorf("cannot use --jq without --format json")
		}
		q, err := gojq.Parse(o.JQ)
		if err != nil {
			return flagErrorf("invalid --jq expression: %v", err)
		}
		code, err := gojq.Compile(q)
		if err != nil {
			return flagErrorf("invalid --jq expression: %v", err)
		}
		o.jq = code
	}
	switch {
	case o.Target == "" && o.Inventory == "":
		return flagErrorf("no target: give --target tcp://HOST:PORT, serial:///dev/ttyUSB0 or sim://healthy (or --inventory FILE for a fleet)")
	case o.Target != "" && o.Inventory != "":
		return flagErrorf("give either --target or --inventory, not both")
	case o.Target != "":
		if _, err := terminal.ParseTarget(o.Target); err != nil {
			return &FlagError{err}
		}
		if o.Shard != "" {
			return flagErrorf("--shard needs --inventory")
		}
	}
	if o.Checks != "" {
		ids, err := checks.ParseChecks(o.Checks)
		if err != nil {
			return &FlagError{err}
		}
		if len(ids) == 0 {
			return flagErrorf("--checks is empty: valid checks are %s", checks.CheckList())
		}
		o.checkIDs = ids
	}
	if o.Symptom != "" && !slices.Contains(symptomIDs(), o.Symptom) {
		return flagErrorf("unknown symptom %q: valid symptoms are %s", o.Symptom, strings.Join(symptomIDs(), ", "))
	}
	if o.Amount < 0 || o.Amount > 999999 {
		return flagErrorf("invalid amount %d: give minor units from 1 to 999999", o.Amount)
	}
	if o.Timeout <= 0 {
		return flagErrorf("invalid timeout %s: give a positive duration such as 2m", o.Timeout)
	}
	if o.Concurrency < 1 || o.Concurrency > 10000 {
		return flagErrorf("invalid concurrency %d: give a number from 1 to 10000", o.Concurrency)
	}
	if o.Shard != "" {
		i, n, err := checks.ParseShard(o.Shard)
		if err != nil {
			return &FlagError{err}
		}
		o.shardI, o.shardN = i, n
	}
	return nil
}

// cantRun is err as the one-line failure of any subcommand, exit status 3
// (could not run).
func cantRun(err error) error { return &ExitError{Code: exitCantRun, Err: err} }

func checkRun(ctx context.Context, opts *CheckOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	cfg, err := checks.LoadConfig(opts.ConfigPath)
	if err != nil {
		return cantRun(err)
	}
	if opts.Amount > 0 {
		cfg.Amount = opts.Amount
	}
	if opts.JournalDir != "" {
		cfg.JournalDir = opts.JournalDir
	}
	var entries []checks.InventoryEntry
	if opts.Inventory != "" {
		entries, err = checks.LoadInventory(opts.Inventory)
		if err != nil {
			return cantRun(err)
		}
		if opts.shardN > 0 {
			entries = checks.Shard(entries, opts.shardI, opts.shardN)
		}
	} else {
		entries = []checks.InventoryEntry{{Target: opts.Target}}
	}

	session := checks.NewSessionID(now())
	j, jerr := checks.OpenSessionJournal(cfg, session)
	if jerr != nil {
		if opts.WithCard {
			return cantRun(fmt.Errorf("%v: a test payment needs a journal", jerr))
		}
		fmt.Fprintf(opts.IO.ErrOut, "posdoctor: warning: no session journal: %v\n", jerr)
		j = nil
	}
	defer j.Close()
	_ = j.Record(checks.Entry{Kind: checks.EntrySessionStart, Text: "check", Info: map[string]string{
		"targets": fmt.Sprint(len(entries)), "checks": opts.Checks, "with_card": fmt.Sprint(opts.WithCard)}})

	open := opts.Open
	if open == nil {
		open = openDriver
	}
	co := checks.CheckOptions{
		Config:  cfg,
		Checks:  opts.checkIDs,
		Run:     checks.RunOptions{WithCard: opts.WithCard, Amount: cfg.Amount, KnownGoodCard: opts.KnownGoodCard},
		Symptom: model.SymptomID(opts.Symptom),
		Open:    open,
		Journal: j,
		Recover: true,
		Timeout: opts.Timeout,
		// The engine measures durations and clock skew on the real clock;
		// opts.Now only names the session.
	}
	lang := checks.Lang(cfg.Locale)
	if opts.Inventory == "" {
		return checkOne(ctx, opts, co, entries[0], lang)
	}
	return checkFleet(ctx, opts, co, entries, lang)
}

func checkOne(ctx context.Context, opts *CheckOptions, co checks.CheckOptions, e checks.InventoryEntry, lang model.Lang) error {
	io := opts.IO
	var prog *progressLine
	if io.ErrTTY {
		prog = newProgressLine(io.ErrOut, lang)
		co.Observe = prog.observe
	}
	rep := checks.CheckOne(ctx, e, co)
	prog.clear()
	// On one screen (stdout and stderr the same terminal) the text output
	// says everything once: the recovered payments are in it, and a run
	// that could not start is the one error line on stderr.
	sameScreen := io.OutTTY && io.ErrTTY && opts.Format == "text"
	if !sameScreen {
		for _, r := range rep.Recovered {
			openLine(io.ErrOut, lang, recoveredPrefix, r)
		}
	}
	// Open payments this run left alone (other terminals, or a posdoctor
	// still running): the operator must know.
	for _, r := range rep.StillOpen {
		openLine(io.ErrOut, lang, stillOpenPrefix, r)
	}
	couldNotStart := rep.Error != "" && len(rep.Checks) == 0
	if !(sameScreen && couldNotStart) {
		if err := writeReports(opts, []checks.TerminalReport{rep}, lang); err != nil {
			return cantRun(err)
		}
	}
	if ctx.Err() != nil {
		return cantRun(errors.New("interrupted: the checks did not finish (the terminal was sent Abort; any test payment was resolved or is listed above)"))
	}
	if rep.Error != "" && rep.ExitCode == exitCantRun {
		return cantRun(errors.New(rep.Error))
	}
	if rep.ExitCode != exitOK {
		return &ExitError{Code: rep.ExitCode}
	}
	return nil
}

func checkFleet(ctx context.Context, opts *CheckOptions, co checks.CheckOptions, entries []checks.InventoryEntry, lang model.Lang) error {
	var (
		all    []checks.TerminalReport
		outErr error
		mu     sync.Mutex
		table  checks.FleetTable
		prog   *fleetProgress
	)
	out := opts.IO.Out
	if !opts.IO.OutTTY {
		// A file or a pipe: write in large blocks, not one syscall per
		// terminal (a sweep of thousands).
		bw := bufio.NewWriterSize(opts.IO.Out, 64<<10)
		defer bw.Flush()
		out = bw
	}
	fo := *opts
	fo.IO = &IO{In: opts.IO.In, Out: out, ErrOut: opts.IO.ErrOut, InTTY: opts.IO.InTTY, OutTTY: opts.IO.OutTTY, ErrTTY: opts.IO.ErrTTY}
	opts = &fo
	if opts.IO.ErrTTY {
		prog = newFleetProgress(opts.IO.ErrOut, len(entries), lang, opts.Now)
	}
	emit := func(r checks.TerminalReport) {
		mu.Lock()
		defer mu.Unlock()
		table.Add(r)
		if prog != nil {
			// The bar shares the screen with the results: off while a
			// line is written, back after.
			if opts.IO.OutTTY {
				prog.clear()
			}
			defer prog.add(r)
		}
		switch opts.Format {
		case "json":
			if err := writeJSONOut(opts, r); err != nil && outErr == nil {
				outErr = err
			}
		case "text":
			fmt.Fprintln(opts.IO.Out, checks.SummaryLineIn(r, lang))
		case "junit":
			r.Results = nil
			all = append(all, r)
		}
	}
	sum := checks.Sweep(ctx, entries, opts.Concurrency, co, emit)
	sum.Summary.Shard = opts.Shard
	if prog != nil {
		prog.clear()
	}
	for _, r := range sum.StillOpen {
		openLine(opts.IO.ErrOut, lang, stillOpenPrefix, r)
	}
	switch opts.Format {
	case "json":
		if err := writeJSONOut(opts, sum); err != nil && outErr == nil {
			outErr = err
		}
	case "text":
		if err := table.Write(opts.IO.Out, sum, lang); err != nil && outErr == nil {
			outErr = err
		}
		fmt.Fprintln(opts.IO.Out, sum.LineIn(lang))
	case "junit":
		outErr = checks.WriteJUnit(opts.IO.Out, all, lang)
	}
	if outErr != nil {
		return cantRun(outErr)
	}
	if ctx.Err() != nil {
		return cantRun(errors.New("interrupted: the sweep did not finish"))
	}
	if sum.Summary.ExitCode != exitOK {
		return &ExitError{Code: sum.Summary.ExitCode}
	}
	return nil
}

// Prefixes of the stderr lines about open test payments of earlier
// sessions.
var (
	recoveredPrefix = model.Text{En: "posdoctor: recovered: ", Zh: "posdoctor：已处理早先会话的测试交易："}
	stillOpenPrefix = model.Text{En: "posdoctor: warning: ", Zh: "posdoctor：警告："}
)

// openLine writes one line about an open test payment of an earlier
// session, in lang.
func openLine(w io.Writer, lang model.Lang, prefix model.Text, r checks.Recovered) {
	text := model.Text{En: r.Text, Zh: r.TextZh}
	if text.Zh == "" {
		text.Zh = text.En
	}
	fmt.Fprintln(w, prefix.In(lang)+text.In(lang))
}

func writeReports(opts *CheckOptions, reps []checks.TerminalReport, lang model.Lang) error {
	switch opts.Format {
	case "json":
		for _, r := range reps {
			if err := writeJSONOut(opts, r); err != nil {
				return err
			}
		}
	case "junit":
		return checks.WriteJUnit(opts.IO.Out, reps, lang)
	default:
		for _, r := range reps {
			if err := checks.WriteText(opts.IO.Out, r, lang); err != nil {
				return err
			}
		}
	}
	return nil
}

// writeJSONOut writes v as one JSON line, through --jq when given: strings
// come out raw, other values as JSON, one per line.
func writeJSONOut(opts *CheckOptions, v any) error {
	if opts.jq == nil {
		return checks.WriteJSON(opts.IO.Out, v)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	var generic any
	if err := json.Unmarshal(b, &generic); err != nil {
		return err
	}
	var out bytes.Buffer
	iter := opts.jq.Run(generic)
	for {
		x, ok := iter.Next()
		if !ok {
			break
		}
		if err, ok := x.(error); ok {
			var he *gojq.HaltError
			if errors.As(err, &he) && he.Value() == nil {
				break
			}
			return fmt.Errorf("--jq: %v", err)
		}
		if s, ok := x.(string); ok {
			out.WriteString(s)
		} else {
			jb, err := gojq.Marshal(x)
			if err != nil {
				return err
			}
			out.Write(jb)
		}
		out.WriteByte('\n')
	}
	_, err = opts.IO.Out.Write(checks.ScrubPAN(out.Bytes()))
	return err
}
