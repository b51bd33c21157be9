package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/posdoctor/posdoctor/fixtures/golden"
	"github.com/posdoctor/posdoctor/model"
)

func TestNewKBCmd(t *testing.T) {
	t.Parallel()
	tests := []struct {
		cli     string
		want    KBOptions
		wantErr string
	}{
		{"", KBOptions{}, ""},
		{"--json", KBOptions{JSON: true}, ""},
		{"--lang zh", KBOptions{Lang: "zh"}, ""},
		{"--lang fr", KBOptions{}, `invalid --lang "fr": valid values are zh, en`},
		{"extra", KBOptions{}, `unknown command "extra"`},
	}
	for _, tt := range tests {
		got, err := parseOptions(newKBCmd, splitArgs(tt.cli))
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%q: err = %v, want %q", tt.cli, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%q: %v", tt.cli, err)
		}
		if got.Lang != tt.want.Lang || got.JSON != tt.want.JSON {
			t.Errorf("%q: got %+v, want %+v", tt.cli, *got, tt.want)
		}
	}
}

// TestKBJSON: the dump is the whole knowledge base, both languages.
func TestKBJSON(t *testing.T) {
	t.Parallel()
	io, out, _ := testIO()
	if err := kbRun(&KBOptions{IO: io, JSON: true, Getenv: env()}); err != nil {
		t.Fatal(err)
	}
	var got model.KB
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	kb := model.Knowledge()
	if len(got.Symptoms) != len(kb.Symptoms) || len(got.Causes) != len(kb.Causes) || len(got.Steps) != len(kb.Steps) ||
		len(got.Tips) != len(kb.Tips) || len(got.Codes) != len(kb.Codes) {
		t.Errorf("JSON has %d/%d/%d/%d/%d items, want %d/%d/%d/%d/%d", len(got.Symptoms), len(got.Causes), len(got.Steps), len(got.Tips), len(got.Codes),
			len(kb.Symptoms), len(kb.Causes), len(kb.Steps), len(kb.Tips), len(kb.Codes))
	}
	for _, key := range []string{`"symptoms"`, `"causes"`, `"steps"`, `"tips"`, `"codes"`, `"verify": "network"`, `"fraud": true`, `"display"`, `"sources"`} {
		if !bytes.Contains(out.Bytes(), []byte(key)) {
			t.Errorf("JSON lacks %s", key)
		}
	}
}

// TestKBMarkdown: the handbook has every symptom, cause, step and code table,
// in the language asked for, with fraud marked in words.
func TestKBMarkdown(t *testing.T) {
	t.Parallel()
	kb := model.Knowledge()
	for _, lang := range []string{"zh", "en"} {
		io, out, _ := testIO()
		if err := kbRun(&KBOptions{IO: io, Lang: lang, Getenv: env()}); err != nil {
			t.Fatal(err)
		}
		md := out.String()
		l := model.Lang(lang)
		for _, s := range kb.Symptoms {
			if !strings.Contains(md, "### "+s.Title.In(l)+" `"+string(s.ID)+"`") {
				t.Errorf("%s: symptom %s missing", lang, s.ID)
			}
		}
		for _, c := range kb.Causes {
			if !strings.Contains(md, c.Title.In(l)+" `"+c.ID+"`") {
				t.Errorf("%s: cause %s missing", lang, c.ID)
			}
		}
		for _, s := range kb.Steps {
			if !strings.Contains(md, "`"+s.ID+"`") {
				t.Errorf("%s: step %s missing", lang, s.ID)
			}
		}
		for _, c := range []string{"| `41` |", "| `A0` |", "| `78` |", "| `4C` |", "| `通讯失败` |"} {
			if !strings.Contains(md, c) {
				t.Errorf("%s: code row %s missing", lang, c)
			}
		}
		if !strings.Contains(md, handbookLabels["fraud"].In(l)) {
			t.Errorf("%s: fraud not marked", lang)
		}
		if strings.Count(md, "\n## ") != 5 || !strings.HasPrefix(md, "# ") {
			t.Errorf("%s: handbook sections wrong", lang)
		}
		for _, term := range kb.Glossary {
			if !strings.Contains(md, "**"+term.Zh) && !strings.Contains(md, "("+term.Zh+")**") {
				t.Errorf("%s: glossary term %s missing", lang, term.ID)
			}
		}
		if lang == "zh" {
			golden.CheckChinese(t, "kb --lang zh", md, "MCC", "CVN", "GICC", "ARQC")
		}
		golden.Check(t, "testdata/kb/handbook."+lang+".md", out.Bytes())
	}
}

func TestKBViaRoot(t *testing.T) {
	t.Parallel()
	f, out, errOut := testFactory()
	if code := run(context.Background(), []string{"kb", "--lang", "en"}, f); code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.HasPrefix(out.String(), "# posdoctor knowledge base") {
		t.Errorf("unexpected start: %q", out.String()[:60])
	}
	f, _, errOut = testFactory()
	if code := run(context.Background(), []string{"kb", "--lang", "xx"}, f); code != exitCantRun || !strings.Contains(errOut.String(), "valid values are zh, en") {
		t.Errorf("bad --lang: exit %d, %q", code, errOut)
	}
}
