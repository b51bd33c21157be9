//go:build darwin && !cgo

package link

import (
	"fmt"

	"go.bug.st/serial"
)

// ports on macOS without cgo: the USB enumerator needs IOKit through cgo,
// so only the names are listed.
func ports() ([]PortInfo, error) {
	names, err := serial.GetPortsList()
	if err != nil {
		return nil, fmt.Errorf("link: list serial ports: %w", err)
	}
	out := make([]PortInfo, 0, len(names))
	for _, n := range names {
		out = append(out, PortInfo{Name: n})
	}
	return out, nil
}
