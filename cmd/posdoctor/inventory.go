package main

import (
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/posdoctor/posdoctor/checks"
	"github.com/posdoctor/posdoctor/exporter"
	"github.com/posdoctor/posdoctor/model"
)

// inventoryWrote is the line on stderr after -o.
var inventoryWrote = model.Text{En: "wrote %d targets to %s\n", Zh: "已写入 %d 个目标到 %s\n"}

// Inventory output formats.
var inventoryFormats = []string{"prometheus-sd", "text"}

// InventoryOptions holds the flags of `posdoctor inventory`.
type InventoryOptions struct {
	IO *IO

	File   string
	Format string
	Module string
	Output string
	Shard  string

	shardI, shardN int
}

func newInventoryCmd(f *factory, runF func(*InventoryOptions) error) *cobra.Command {
	opts := &InventoryOptions{IO: f.IO}
	cmd := &cobra.Command{
		Use:   "inventory FILE [--format prometheus-sd]",
		Short: "Check an inventory file and write it as Prometheus service discovery (file_sd JSON)",
		Long: `Read a CSV or YAML inventory (the file of check --inventory), report its first
error with file:line, and write it out:

  prometheus-sd  Prometheus file_sd JSON: one group per terminal, with its
                 shop and name labels (and module with --module), for the
                 relabelling to the exporter's /probe (examples/prometheus.yml)
  text           one line per terminal: target, name, shop

Passwords and amounts of the inventory are never written.`,
		Example: `  posdoctor inventory shops.csv --format prometheus-sd -o /etc/prometheus/posdoctor/shops.json
  posdoctor inventory shops.csv --format prometheus-sd --module default --shard 1/2`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return flagErrorf("give one inventory file (posdoctor inventory shops.csv --format prometheus-sd)")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.File = args[0]
			if !slices.Contains(inventoryFormats, opts.Format) {
				return flagErrorf("invalid format %q: valid values are %s", opts.Format, strings.Join(inventoryFormats, ", "))
			}
			if opts.Shard != "" {
				i, n, err := checks.ParseShard(opts.Shard)
				if err != nil {
					return &FlagError{err}
				}
				opts.shardI, opts.shardN = i, n
			}
			if runF != nil {
				return runF(opts)
			}
			return inventoryRun(opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&opts.Format, "format", "f", "prometheus-sd", "output FORMAT: "+strings.Join(inventoryFormats, ", "))
	fl.StringVar(&opts.Module, "module", "", "exporter module `NAME` to label every target with (prometheus-sd)")
	fl.StringVarP(&opts.Output, "output", "o", "", "write to `FILE` (replaced atomically) instead of stdout")
	fl.StringVar(&opts.Shard, "shard", "", "keep only shard I/N of the inventory (as check --shard)")
	return cmd
}

func inventoryRun(opts *InventoryOptions) error {
	es, err := checks.LoadInventory(opts.File)
	if err != nil {
		return cantRun(err)
	}
	if opts.shardN > 0 {
		es = checks.Shard(es, opts.shardI, opts.shardN)
	}
	var b strings.Builder
	switch opts.Format {
	case "prometheus-sd":
		if err := exporter.WriteFileSD(&b, exporter.FileSD(es, opts.Module)); err != nil {
			return cantRun(err)
		}
	default:
		for _, e := range es {
			fmt.Fprintf(&b, "%s\t%s\t%s\n", e.Target, e.Name, e.Shop)
		}
	}
	if opts.Output == "" {
		_, err := fmt.Fprint(opts.IO.Out, b.String())
		return err
	}
	// Prometheus watches the file: write a temp file and rename it, so it
	// never reads half a file.
	tmp := opts.Output + ".tmp"
	if err := os.WriteFile(tmp, []byte(b.String()), 0o644); err != nil {
		return cantRun(fmt.Errorf("could not write %s: %v", opts.Output, err))
	}
	if err := os.Rename(tmp, opts.Output); err != nil {
		os.Remove(tmp)
		return cantRun(fmt.Errorf("could not write %s: %v", opts.Output, err))
	}
	fmt.Fprintf(opts.IO.ErrOut, inventoryWrote.In(checks.Lang("")), len(es), opts.Output)
	return nil
}
