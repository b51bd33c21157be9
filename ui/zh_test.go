package ui

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/posdoctor/posdoctor/fixtures/golden"
	"github.com/posdoctor/posdoctor/model"
	"github.com/posdoctor/posdoctor/ui/i18n"
)

// consoleAllow are the Latin words a Chinese console may show besides
// what golden.EnglishWords lets through: the names of keys (the footer
// says "enter 查询", "ctrl+c 立即退出") and the products in the chrome.
var consoleAllow = []string{
	"enter", "esc", "ctrl+c", "ctrl+t", "R", "ssh", "tab", "space", "up", "down", "left", "right", "pgup", "pgdn", "pgup/b", "pgdn/space",
	"up/k", "down/j", "left/right", "n/right", "?/esc",
	"a", "b", "c", "d", "e", "f", "h", "i", "j", "k", "l", "m", "n", "o", "p", "q", "r", "s", "t", "u", "v", "w", "x", "y",
	"check", "sim", "--list", "hex", "L", "T", "N", "Markdown", "English", "Terminal", "HOST", "CNY", "UART", "FT232R",
}

// TestChineseScreensHaveNoEnglish scans every zh golden screen for English
// words outside the allow-list (codes, ids, units, product names).
func TestChineseScreensHaveNoEnglish(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "screens", "*_zh_*.golden"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no zh golden screens: %v", err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		text := string(b)
		if strings.HasPrefix(filepath.Base(f), "trace_") {
			text = chromeOnly(text)
		}
		golden.CheckChinese(t, filepath.Base(f), text, consoleAllow...)
	}
}

// chromeOnly drops the decoded frames of a trace screen: they name the ZVT
// messages and fields as the spec does (terminal/zvt's describer, English
// in both languages); the screen around them is scanned.
func chromeOnly(screen string) string {
	var keep []string
	for _, l := range strings.Split(screen, "\n") {
		t := strings.TrimLeft(l, " >*")
		if strings.HasPrefix(t, "[") || strings.HasPrefix(l, "       ") {
			continue // a frame line ([check] dir summary) or its detail/hex
		}
		keep = append(keep, l)
	}
	return strings.Join(keep, "\n")
}

// TestChineseMessagesHaveNoEnglish scans the zh side of every console
// message the same way, so a message no golden screen shows is covered.
func TestChineseMessagesHaveNoEnglish(t *testing.T) {
	for _, k := range i18n.Keys() {
		zh := i18n.T(model.LangZh, k)
		zh = regexp.MustCompile(`%(\[\d\])?[a-z]`).ReplaceAllString(zh, "")
		golden.CheckChinese(t, "message "+k, zh, consoleAllow...)
	}
}

// TestConsoleUsesTheGlossary: no zh screen or message uses a word the
// glossary says to avoid (签到 is the host sign-in only; 连接终端 is ZVT
// Registration; 没有密钥, never 无密钥).
func TestConsoleUsesTheGlossary(t *testing.T) {
	var texts []string
	for _, k := range i18n.Keys() {
		texts = append(texts, "message "+k+": "+i18n.T(model.LangZh, k))
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "screens", "*_zh_*.golden"))
	for _, f := range files {
		b, _ := os.ReadFile(f)
		texts = append(texts, filepath.Base(f)+": "+string(b))
	}
	for _, term := range model.Glossary() {
		for _, bad := range term.Avoid {
			for _, tx := range texts {
				if strings.Contains(tx, bad) {
					t.Errorf("%q (glossary %s: say %s) in %s", bad, term.ID, term.Zh, strings.SplitN(tx, ":", 2)[0])
				}
			}
		}
	}
}
