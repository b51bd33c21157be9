package link

// PortInfo is one serial port on this machine.
type PortInfo struct {
	Name         string `json:"name"`             // /dev/ttyUSB0, COM3
	USB          bool   `json:"usb"`              // a USB serial adapter or a terminal on USB
	VID          string `json:"vid,omitempty"`    // USB vendor id, upper-case hex
	PID          string `json:"pid,omitempty"`    // USB product id, upper-case hex
	Serial       string `json:"serial,omitempty"` // USB serial number
	Manufacturer string `json:"manufacturer,omitempty"`
	Product      string `json:"product,omitempty"`
}

// Ports lists the serial ports of this machine with their USB details where
// the OS provides them. It does not probe the devices. Pseudo-terminals and
// symlinks such as /dev/serial/by-id/... are not listed but can be opened.
func Ports() ([]PortInfo, error) { return ports() }
