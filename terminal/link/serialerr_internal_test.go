package link

import (
	"os"
	"strings"
	"syscall"
	"testing"
)

func TestSerialOpenErrorLines(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  error
		want []string
	}{
		{"not found", &os.PathError{Op: "open", Path: "/dev/ttyUSB9", Err: syscall.ENOENT},
			[]string{"could not open serial port /dev/ttyUSB9: no such port: "}},
		{"permission", &os.PathError{Op: "open", Path: "/dev/ttyUSB9", Err: syscall.EACCES},
			[]string{"could not open serial port /dev/ttyUSB9: permission denied: "}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := serialOpenError("/dev/ttyUSB9", tt.err).Error()
			for _, w := range tt.want {
				if !strings.HasPrefix(got, w) {
					t.Errorf("got %q, want prefix %q", got, w)
				}
			}
			if strings.Count(got, "\n") > 0 {
				t.Errorf("%q is not one line", got)
			}
		})
	}
	if got := serialOpenError("x", &os.PathError{Err: syscall.EACCES}).Error(); !strings.Contains(got, "dialout") && !strings.Contains(got, "administrator") && !strings.Contains(got, "sudo") {
		t.Errorf("permission error %q gives no hint", got)
	}
}
