package link

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"runtime"
	"strings"

	"go.bug.st/serial"

	"github.com/posdoctor/posdoctor/terminal"
)

// SerialError is a serial port that could not be opened, with a hint that
// says what to try.
type SerialError struct {
	Port string
	Msg  string // what went wrong, e.g. "permission denied"
	Hint string // what to try
	Err  error
}

func (e *SerialError) Error() string {
	s := fmt.Sprintf("could not open serial port %s: %s", e.Port, e.Msg)
	if e.Hint != "" {
		s += ": " + e.Hint
	}
	return s
}

// Unwrap returns the cause.
func (e *SerialError) Unwrap() error { return e.Err }

// OpenSerial opens t.Device with t's line settings (default 9600 8N2, no
// handshake; research/zvt.md §2.4) and runs the ZVT serial transport on it.
// It makes no modem-line calls (DTR/RTS), so it works on a pseudo-terminal.
// Errors are a [*SerialError] naming the fix: the ports that exist when the
// port is not found, the dialout group on permission denied, another program
// when the port is busy.
// opts, at most one, tunes the transport (T1, T2, repeats, notices).
func OpenSerial(ctx context.Context, t terminal.Target, opts ...SerialOptions) (Conn, error) {
	var o SerialOptions
	if len(opts) > 0 {
		o = opts[0]
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	mode, err := serialMode(t)
	if err != nil {
		return nil, &SerialError{Port: t.Device, Msg: err.Error(), Err: err}
	}
	// Opening can block (a macOS tty.* port waits for carrier), so it runs
	// aside and ctx bounds the wait.
	type result struct {
		p   serial.Port
		err error
	}
	res := make(chan result, 1)
	go func() {
		p, err := serial.Open(t.Device, mode)
		res <- result{p, err}
	}()
	var r result
	select {
	case r = <-res:
	case <-ctx.Done():
		go func() {
			if r := <-res; r.err == nil {
				r.p.Close()
			}
		}()
		return nil, &SerialError{Port: t.Device, Msg: "open did not finish: " + ctx.Err().Error(),
			Hint: "on macOS use the /dev/cu.* port rather than /dev/tty.*", Err: ctx.Err()}
	}
	if r.err != nil {
		return nil, serialOpenError(t.Device, r.err)
	}
	// Drop bytes left over from before we opened (a half frame, line noise).
	_ = r.p.ResetInputBuffer()
	return NewSerial(r.p, o), nil
}

func serialMode(t terminal.Target) (*serial.Mode, error) {
	m := &serial.Mode{BaudRate: t.Baud, DataBits: t.DataBits, Parity: serial.NoParity, StopBits: serial.TwoStopBits}
	if m.BaudRate == 0 {
		m.BaudRate = 9600
	}
	if m.DataBits == 0 {
		m.DataBits = 8
	}
	switch t.StopBits {
	case 0, 2:
	case 1:
		m.StopBits = serial.OneStopBit
	default:
		return nil, fmt.Errorf("stop bits %d: valid values are 1 and 2", t.StopBits)
	}
	switch t.Parity {
	case "", "none":
	case "even":
		m.Parity = serial.EvenParity
	case "odd":
		m.Parity = serial.OddParity
	default:
		return nil, fmt.Errorf("parity %q: valid values are none, even, odd", t.Parity)
	}
	return m, nil
}

func serialOpenError(port string, err error) error {
	var pe *serial.PortError
	code := serial.PortErrorCode(-1)
	if errors.As(err, &pe) {
		code = pe.Code()
	}
	switch {
	case code == serial.PortNotFound || errors.Is(err, fs.ErrNotExist):
		return &SerialError{Port: port, Msg: "no such port", Hint: existingPortsHint(), Err: err}
	case code == serial.PermissionDenied || errors.Is(err, fs.ErrPermission):
		hint := "add your user to the dialout group (sudo usermod -aG dialout $USER, then log in again)"
		switch runtime.GOOS {
		case "windows":
			hint = "run posdoctor as administrator or check the port's permissions in Device Manager"
		case "darwin":
			hint = "check the port's permissions (ls -l " + port + ") or run with sudo"
		}
		return &SerialError{Port: port, Msg: "permission denied", Hint: hint, Err: err}
	case code == serial.PortBusy:
		return &SerialError{Port: port, Msg: "port busy", Hint: "another program has it open (close the cash-register software, a serial monitor or ModemManager) and try again", Err: err}
	case code == serial.InvalidSerialPort:
		return &SerialError{Port: port, Msg: "not a serial port", Hint: existingPortsHint(), Err: err}
	case code == serial.InvalidSpeed, code == serial.InvalidDataBits, code == serial.InvalidParity, code == serial.InvalidStopBits:
		return &SerialError{Port: port, Msg: pe.EncodedErrorString(), Hint: "use 9600 8N2 (the ZVT default) or the settings in the terminal's ECR menu", Err: err}
	}
	return &SerialError{Port: port, Msg: err.Error(), Err: err}
}

// existingPortsHint lists the serial ports this machine has, for an error
// message.
func existingPortsHint() string {
	ports, err := Ports()
	if err != nil || len(ports) == 0 {
		return "no serial ports found on this machine: check the cable and the USB driver (posdoctor ports lists them)"
	}
	names := make([]string, len(ports))
	for i, p := range ports {
		names[i] = p.Name
	}
	return "ports that exist: " + strings.Join(names, ", ")
}
