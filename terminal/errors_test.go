package terminal

import (
	"errors"
	"fmt"
	"io"
	"testing"
)

func TestErrorIsKind(t *testing.T) {
	t.Parallel()
	err := fmt.Errorf("check: %w", &Error{Op: "authorize", Kind: KindOutcomeUnknown, Err: io.ErrUnexpectedEOF})
	if !errors.Is(err, ErrOutcomeUnknown) {
		t.Error("outcome-unknown error does not match ErrOutcomeUnknown")
	}
	if errors.Is(err, ErrNoAnswer) {
		t.Error("outcome-unknown error matches ErrNoAnswer")
	}
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Error("cause lost")
	}
	rej := &Error{Op: "status", Kind: KindRejected, Code: 0x83}
	if got, want := rej.Error(), "status: rejected with code 83"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if !errors.Is(rej, ErrRejected) {
		t.Error("rejected error does not match ErrRejected")
	}
}

func TestDeviceStateText(t *testing.T) {
	t.Parallel()
	for _, s := range []DeviceState{DeviceReady, DeviceNeedsInit, DeviceNoKeys, DeviceFraud} {
		b, _ := s.MarshalText()
		var back DeviceState
		if err := back.UnmarshalText(b); err != nil || back != s {
			t.Errorf("%v round-trips to %v (%v)", s, back, err)
		}
	}
}

func TestSilenceOf(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want Silence
	}{
		{&Error{Kind: KindNoAnswer}, SilenceNotAccepted},
		{fmt.Errorf("authorize: %w", &Error{Kind: KindNoAnswer, Accepted: true}), SilenceNoResult},
		{&Error{Kind: KindOutcomeUnknown}, SilenceNoResult},
		{&Error{Kind: KindLink, Accepted: true}, SilenceNoResult},
		{&Error{Kind: KindLink}, SilenceNone},
		{&Error{Kind: KindRejected, Code: 0x83}, SilenceNone},
		{errors.New("x"), SilenceNone},
		{nil, SilenceNone},
	} {
		if got := SilenceOf(tt.err); got != tt.want {
			t.Errorf("SilenceOf(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
}
