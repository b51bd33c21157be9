//go:build !darwin || cgo

package link

import (
	"fmt"

	"go.bug.st/serial/enumerator"
)

func ports() ([]PortInfo, error) {
	list, err := enumerator.GetDetailedPortsList()
	if err != nil {
		return nil, fmt.Errorf("link: list serial ports: %w", err)
	}
	out := make([]PortInfo, 0, len(list))
	for _, p := range list {
		out = append(out, PortInfo{
			Name: p.Name, USB: p.IsUSB, VID: p.VID, PID: p.PID, Serial: p.SerialNumber,
			Manufacturer: p.Manufacturer, Product: p.Product,
		})
	}
	return out, nil
}
