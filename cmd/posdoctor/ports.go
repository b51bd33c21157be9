package main

import (
	"encoding/json"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/posdoctor/posdoctor/terminal/link"
)

// PortsOptions holds the flags of `posdoctor ports`.
type PortsOptions struct {
	IO   *IO
	JSON bool
	// List returns the serial ports; link.Ports unless a test sets it.
	List func() ([]link.PortInfo, error)
}

func newPortsCmd(f *factory, runF func(*PortsOptions) error) *cobra.Command {
	opts := &PortsOptions{IO: f.IO, List: link.Ports}
	cmd := &cobra.Command{
		Use:   "ports",
		Short: "List the serial ports of this machine (USB VID:PID, product)",
		Long: `List the serial ports of this machine with their USB vendor and product ids,
to find the port a terminal is on. Use a port as serial://PORT, for example
serial:///dev/ttyUSB0 or serial://COM3.

Pseudo-terminals and /dev/serial/by-id/ links are not listed but work as targets.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return portsRun(opts)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the ports as a JSON array")
	return cmd
}

func portsRun(opts *PortsOptions) error {
	ports, err := opts.List()
	if err != nil {
		return cantRun(fmt.Errorf("could not list serial ports: %w", err))
	}
	if ports == nil {
		ports = []link.PortInfo{}
	}
	if opts.JSON {
		enc := json.NewEncoder(opts.IO.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(ports)
	}
	if len(ports) == 0 {
		fmt.Fprintln(opts.IO.ErrOut, "no serial ports found: plug in the terminal's USB cable or serial adapter and check its driver; a port can also be given directly, e.g. --target serial:///dev/ttyUSB0")
		return nil
	}
	w := tabwriter.NewWriter(opts.IO.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "PORT\tUSB VID:PID\tPRODUCT")
	for _, p := range ports {
		id := "-"
		if p.VID != "" || p.PID != "" {
			id = p.VID + ":" + p.PID
		}
		product := p.Product
		if p.Manufacturer != "" && product != "" {
			product = p.Manufacturer + " " + product
		} else if product == "" {
			product = p.Manufacturer
		}
		if product == "" {
			product = "-"
		}
		fmt.Fprintf(w, "%s\t%s\t%s\n", p.Name, id, product)
	}
	return w.Flush()
}
