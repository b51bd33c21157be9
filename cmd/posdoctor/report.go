package main

import (
	"bytes"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/posdoctor/posdoctor/checks"
	"github.com/posdoctor/posdoctor/model"
)

// ReportOptions holds the flags of `posdoctor report`.
type ReportOptions struct {
	IO *IO

	Session    string // a session id or a journal path
	Format     string
	Output     string
	ConfigPath string
	JournalDir string
	Lang       string
}

func newReportCmd(f *factory, runF func(*ReportOptions) error) *cobra.Command {
	opts := &ReportOptions{IO: f.IO}
	cmd := &cobra.Command{
		Use:   "report SESSION|PATH",
		Short: "Render a session journal as a ticket-ready report (md, html, json)",
		Long: `Render the journal of a session (a session id from the journal dir, or the
path of a journal file) as a report for a ticket: the terminal's identity,
every check with its evidence, the diagnosis, the steps done or skipped with
their notes, the test payments and a masked excerpt of the protocol trace.

Report files are created with mode 0600. Card numbers are masked.`,
		Example: `  posdoctor report 20261121T162645Z-3f9a --format md -o ticket.md
  posdoctor report ~/.cache/posdoctor/journal/20261121T162645Z-3f9a.jsonl --format html -o ticket.html`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return flagErrorf("give one session id or journal path (posdoctor report SESSION --format md)")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Session = args[0]
			if !slices.Contains(checks.ReportFormats, opts.Format) {
				return flagErrorf("invalid format %q: valid values are %s", opts.Format, strings.Join(checks.ReportFormats, ", "))
			}
			if opts.Lang != "" && opts.Lang != "zh" && opts.Lang != "en" {
				return flagErrorf("invalid --lang %q: valid values are zh, en", opts.Lang)
			}
			if runF != nil {
				return runF(opts)
			}
			return reportRun(opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&opts.Format, "format", "f", "md", "report FORMAT: "+strings.Join(checks.ReportFormats, ", "))
	fl.StringVarP(&opts.Output, "output", "o", "", "write the report to FILE (mode 0600) instead of stdout")
	fl.StringVar(&opts.ConfigPath, "config", "", "config FILE (for the journal dir)")
	fl.StringVar(&opts.JournalDir, "journal-dir", "", "look for sessions in DIR (default from config)")
	fl.StringVar(&opts.Lang, "lang", "", "report language: zh or en (default from config or LANG)")
	return cmd
}

func reportRun(opts *ReportOptions) error {
	dir := opts.JournalDir
	locale := opts.Lang
	if dir == "" || locale == "" {
		cfg, err := checks.LoadConfig(opts.ConfigPath)
		if err != nil {
			return cantRun(err)
		}
		if dir == "" {
			dir = cfg.JournalDir
		}
		if locale == "" {
			locale = cfg.Locale
		}
	}
	path, err := checks.FindSession(dir, opts.Session)
	if err != nil {
		return cantRun(err)
	}
	s, err := checks.ReadSession(path)
	if err != nil {
		return cantRun(err)
	}
	var buf bytes.Buffer
	if err := checks.WriteReportLang(&buf, s, opts.Format, checks.Lang(locale)); err != nil {
		return cantRun(err)
	}
	if opts.Output == "" || opts.Output == "-" {
		_, err := opts.IO.Out.Write(buf.Bytes())
		return err
	}
	f, err := os.OpenFile(opts.Output, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return cantRun(fmt.Errorf("report: %w", err))
	}
	// An existing file keeps its mode on open: make it 0600 too.
	_ = f.Chmod(0o600)
	if _, err := f.Write(buf.Bytes()); err != nil {
		f.Close()
		return cantRun(fmt.Errorf("report: %w", err))
	}
	if err := f.Close(); err != nil {
		return cantRun(fmt.Errorf("report: %w", err))
	}
	fmt.Fprintf(opts.IO.ErrOut, model.Text{En: "wrote %s\n", Zh: "已写入 %s\n"}.In(checks.Lang(locale)), opts.Output)
	return nil
}
