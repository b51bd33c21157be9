package main

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/posdoctor/posdoctor/terminal/link"
)

func TestNewPortsCmd(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args     []string
		wantJSON bool
		wantErr  bool
	}{
		{nil, false, false},
		{[]string{"--json"}, true, false},
		{[]string{"extra"}, false, true},
	}
	for _, tt := range tests {
		got, err := parseOptions(newPortsCmd, tt.args)
		if (err != nil) != tt.wantErr {
			t.Fatalf("%v: err = %v, wantErr %v", tt.args, err, tt.wantErr)
		}
		if err == nil && got.JSON != tt.wantJSON {
			t.Errorf("%v: JSON = %v, want %v", tt.args, got.JSON, tt.wantJSON)
		}
	}
}

var testPorts = []link.PortInfo{
	{Name: "/dev/ttyACM0", USB: true, VID: "0B00", PID: "0080", Manufacturer: "Ingenico", Product: "Move/5000"},
	{Name: "/dev/ttyS0"},
}

func TestPortsRun(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		ports      []link.PortInfo
		json       bool
		wantOut    string
		wantErrOut string
	}{
		{"text", testPorts, false,
			"PORT          USB VID:PID  PRODUCT\n/dev/ttyACM0  0B00:0080    Ingenico Move/5000\n/dev/ttyS0    -            -\n", ""},
		{"none text", nil, false, "", "no serial ports found"},
		{"none json", nil, true, "[]\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			io, out, errOut := testIO()
			err := portsRun(&PortsOptions{IO: io, JSON: tt.json, List: func() ([]link.PortInfo, error) { return tt.ports, nil }})
			if err != nil {
				t.Fatal(err)
			}
			if out.String() != tt.wantOut {
				t.Errorf("out = %q, want %q", out, tt.wantOut)
			}
			if !strings.Contains(errOut.String(), tt.wantErrOut) || (tt.wantErrOut == "" && errOut.Len() > 0) {
				t.Errorf("errOut = %q, want %q", errOut, tt.wantErrOut)
			}
		})
	}
}

func TestPortsRunJSON(t *testing.T) {
	t.Parallel()
	io, out, _ := testIO()
	if err := portsRun(&PortsOptions{IO: io, JSON: true, List: func() ([]link.PortInfo, error) { return testPorts, nil }}); err != nil {
		t.Fatal(err)
	}
	var got []map[string]any
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	want := []map[string]any{
		{"name": "/dev/ttyACM0", "usb": true, "vid": "0B00", "pid": "0080", "manufacturer": "Ingenico", "product": "Move/5000"},
		{"name": "/dev/ttyS0", "usb": false},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("json = %v, want %v", got, want)
	}
}

func TestPortsRunError(t *testing.T) {
	t.Parallel()
	io, _, _ := testIO()
	err := portsRun(&PortsOptions{IO: io, List: func() ([]link.PortInfo, error) { return nil, errors.New("boom") }})
	if exitCode(err) != exitCantRun {
		t.Errorf("exit code %d, want %d", exitCode(err), exitCantRun)
	}
}
