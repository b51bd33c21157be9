package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/posdoctor/posdoctor/exporter"
)

func TestNewExporterCmd(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args    string
		want    ExporterOptions
		wantErr string
	}{
		{"", ExporterOptions{Listen: ":9555", LogLevel: "info"}, ""},
		{"--listen 127.0.0.1:0 --config x.yaml --web.config.file web.yml --log-level debug",
			ExporterOptions{Listen: "127.0.0.1:0", ConfigPath: "x.yaml", WebConfig: "web.yml", LogLevel: "debug"}, ""},
		{"--log-level loud", ExporterOptions{}, `invalid --log-level "loud"`},
		{"extra", ExporterOptions{}, "unknown command"},
	}
	for _, tt := range tests {
		got, err := parseOptions(newExporterCmd, strings.Fields(tt.args))
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%q: err = %v, want %q", tt.args, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%q: %v", tt.args, err)
		}
		g := [4]string{got.Listen, got.ConfigPath, got.WebConfig, got.LogLevel}
		if w := [4]string{tt.want.Listen, tt.want.ConfigPath, tt.want.WebConfig, tt.want.LogLevel}; g != w {
			t.Errorf("%q: got %+v, want %+v", tt.args, g, tt.want)
		}
	}
}

func TestExporterRunBadConfig(t *testing.T) {
	t.Parallel()
	p := filepath.Join(t.TempDir(), "x.yaml")
	if err := os.WriteFile(p, []byte("modules: {m: {checks: [transaction]}}\nallow: {targets: ['*']}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	io, _, _ := testIO()
	err := exporterRun(&ExporterOptions{IO: io, ConfigPath: p, Listen: "127.0.0.1:0", LogLevel: "info"})
	if exitCode(err) != exitCantRun || !strings.Contains(err.Error(), "add test_payment") {
		t.Errorf("err = %v (exit %d), want exit 3 saying to add test_payment", err, exitCode(err))
	}
}

func TestInventoryPrometheusSD(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	inv := filepath.Join(dir, "shops.csv")
	if err := os.WriteFile(inv, []byte("target,name,shop,password\ntcp://10.0.0.5:20007,till-1,shop-12,123456\ntcp://10.0.0.6:20007,,shop-12,\nsim://healthy,demo,,\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	io, out, _ := testIO()
	if err := inventoryRun(&InventoryOptions{IO: io, File: inv, Format: "prometheus-sd", Module: "default"}); err != nil {
		t.Fatal(err)
	}
	var got []exporter.TargetGroup
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	want := []exporter.TargetGroup{
		{Targets: []string{"tcp://10.0.0.5:20007"}, Labels: map[string]string{"shop": "shop-12", "name": "till-1", "module": "default"}},
		{Targets: []string{"tcp://10.0.0.6:20007"}, Labels: map[string]string{"shop": "shop-12", "module": "default"}},
		{Targets: []string{"sim://healthy"}, Labels: map[string]string{"name": "demo", "module": "default"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
	if strings.Contains(out.String(), "123456") {
		t.Error("the password reached the SD file")
	}

	// -o replaces the file; --shard keeps one shard.
	dst := filepath.Join(dir, "sd.json")
	io, _, errOut := testIO()
	if err := inventoryRun(&InventoryOptions{IO: io, File: inv, Format: "prometheus-sd", Output: dst, shardI: 2, shardN: 2}); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(dst)
	if err := json.Unmarshal(b, &got); err != nil || len(got) != 1 || got[0].Targets[0] != "tcp://10.0.0.6:20007" {
		t.Errorf("shard 2/2: %s (%v)", b, err)
	}
	if !strings.Contains(errOut.String(), " 1 ") || !strings.Contains(errOut.String(), dst) {
		t.Errorf("stderr %q", errOut)
	}

	// A bad inventory: exit 3 with file:line.
	bad := filepath.Join(dir, "bad.csv")
	_ = os.WriteFile(bad, []byte("target,name\nftp://x,till\n"), 0o600)
	err := inventoryRun(&InventoryOptions{IO: io, File: bad, Format: "prometheus-sd"})
	if exitCode(err) != exitCantRun || !strings.Contains(err.Error(), "bad.csv:2") {
		t.Errorf("err = %v, want exit 3 naming bad.csv:2", err)
	}
}

func TestNewInventoryCmd(t *testing.T) {
	t.Parallel()
	if _, err := parseOptions(newInventoryCmd, []string{"a.csv", "--format", "xml"}); err == nil || !strings.Contains(err.Error(), "valid values are prometheus-sd, text") {
		t.Errorf("err = %v", err)
	}
	if _, err := parseOptions(newInventoryCmd, nil); err == nil || !strings.Contains(err.Error(), "give one inventory file") {
		t.Errorf("err = %v", err)
	}
	got, err := parseOptions(newInventoryCmd, []string{"a.csv", "--shard", "1/3", "--module", "m"})
	if err != nil || got.shardI != 1 || got.shardN != 3 || got.Module != "m" || got.Format != "prometheus-sd" {
		t.Errorf("got %+v, %v", got, err)
	}
}

func writeTestFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}
