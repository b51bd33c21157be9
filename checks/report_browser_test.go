package checks

import (
	"bytes"
	"context"
	"encoding/json"
	"html"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/posdoctor/posdoctor/fixtures/golden"
	"github.com/posdoctor/posdoctor/model"
)

// The HTML report in a real browser (Debian's chromium, installed by .ci/run;
// without it these tests skip and say so): printed to PDF on A4, a
// screenshot at A4 width, and the DOM after a small probe script measured
// the page: the zh report's Chinese text is in the rendered text and
// nothing is wider than an A4 page (794 CSS px at 96 dpi).

// a4Width is an A4 page's width in CSS pixels (210 mm at 96 dpi).
const a4Width = 794

// chromiumPath finds the browser, or skips the test.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("chromium is not installed (apt-get install chromium; .ci/run installs it): the HTML report is not checked in a browser")
	return ""
}

// runChromium runs headless chromium on page with extra flags, bounded by a
// timeout, and returns its stdout.
func runChromium(t *testing.T, bin, page string, flags ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	args := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--disable-dev-shm-usage", "--user-data-dir=" + t.TempDir(), "--window-size=" + strconv.Itoa(a4Width) + ",1123"}
	args = append(append(args, flags...), "file://"+page)
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.WaitDelay = 5 * time.Second
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %s: %v (timeout 90 s)\n%s", strings.Join(flags, " "), err, errOut.String())
	}
	return out.Bytes()
}

// probeScript opens every fold (as printing does), then writes the page's
// widths and its rendered text into the DOM, where --dump-dom reads them.
const probeScript = `<script>
document.querySelectorAll("details").forEach(function(d){d.open=true});
var e=document.documentElement, wide=[];
document.querySelectorAll("body *").forEach(function(n){var r=n.getBoundingClientRect(); if(r.right>e.clientWidth+1){wide.push(n.tagName+": "+(n.textContent||"").slice(0,60))}});
var p=document.createElement("textarea"); p.id="probe";
p.textContent=JSON.stringify({scroll:e.scrollWidth, client:e.clientWidth, wide:wide.slice(0,5), text:document.body.innerText});
document.body.appendChild(p);
</script>`

type probeResult struct {
	Scroll int      `json:"scroll"`
	Client int      `json:"client"`
	Wide   []string `json:"wide"`
	Text   string   `json:"text"`
}

var probeOut = regexp.MustCompile(`(?s)<textarea id="probe">(.*?)</textarea>`)

// writeReportPage writes the zh case report, with the probe when asked.
func writeReportPage(t *testing.T, probe bool) string {
	t.Helper()
	page := renderReport(t, caseSession(t), "html", model.LangZh)
	if probe {
		page = strings.Replace(page, "</body>", probeScript+"</body>", 1)
	}
	p := filepath.Join(t.TempDir(), "report.html")
	if err := os.WriteFile(p, []byte(page), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestReportHTMLInChromium: the rendered zh report has its Chinese text
// and no horizontal overflow at A4 width, even with every fold open and a
// long trace line.
func TestReportHTMLInChromium(t *testing.T) {
	bin := chromiumPath(t)
	page := writeReportPage(t, true)
	dom := runChromium(t, bin, page, "--virtual-time-budget=5000", "--dump-dom")
	m := probeOut.FindSubmatch(dom)
	if m == nil {
		t.Fatalf("the probe did not run; DOM:\n%.2000s", dom)
	}
	var r probeResult
	if err := json.Unmarshal([]byte(html.UnescapeString(string(m[1]))), &r); err != nil {
		t.Fatalf("probe: %v\n%s", err, m[1])
	}
	if r.Client == 0 || r.Client > a4Width {
		t.Errorf("viewport %d px, want at most %d (A4 width)", r.Client, a4Width)
	}
	if r.Scroll > r.Client {
		t.Errorf("horizontal overflow at A4 width: scrollWidth %d > clientWidth %d; too wide: %q", r.Scroll, r.Client, r.Wide)
	}
	for _, want := range []string{"posdoctor 报告", "结论", "检查结论", "正常", "已解决：复查通过", "终端显示", "最可能的原因",
		"处理前后", "终端状态：失败（终端状态 51 需要初始化", "证据：终端状态", "状态码", "00 终端就绪", "处理步骤", "屏幕显示 51，没有密钥"} {
		if !strings.Contains(r.Text, want) {
			t.Errorf("rendered text lacks %q:\n%s", want, r.Text)
		}
	}
	// The rendered words are Chinese too (the trace is data: left out).
	text := r.Text
	if i := strings.Index(text, "协议报文"); i >= 0 {
		text = text[:i]
	}
	golden.CheckChinese(t, "rendered zh html report", text, kbIDs...)
}

// TestReportHTMLPrintsToA4PDF: print to PDF gives A4 pages, and a
// screenshot at A4 width is a real image of that width.
func TestReportHTMLPrintsToA4PDF(t *testing.T) {
	bin := chromiumPath(t)
	page := writeReportPage(t, false)
	dir := t.TempDir()
	pdf := filepath.Join(dir, "report.pdf")
	runChromium(t, bin, page, "--no-pdf-header-footer", "--print-to-pdf="+pdf)
	b, err := os.ReadFile(pdf)
	if err != nil || !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Fatalf("no PDF written: %v (%d bytes)", err, len(b))
	}
	boxes := regexp.MustCompile(`/MediaBox\s*\[\s*0 0 ([0-9.]+) ([0-9.]+)\s*\]`).FindAllSubmatch(b, -1)
	if len(boxes) == 0 {
		t.Fatalf("PDF has no page box")
	}
	for _, m := range boxes {
		w, _ := strconv.ParseFloat(string(m[1]), 64)
		h, _ := strconv.ParseFloat(string(m[2]), 64)
		if w < 594 || w > 597 || h < 841 || h > 844 { // A4 is 595.28 × 841.89 pt
			t.Errorf("page is %.1f × %.1f pt, want A4 (595 × 842)", w, h)
		}
	}
	t.Logf("PDF: %d page(s), %d bytes", len(boxes), len(b))
	shot := filepath.Join(dir, "report.png")
	runChromium(t, bin, page, "--hide-scrollbars", "--screenshot="+shot)
	f, err := os.Open(shot)
	if err != nil {
		t.Fatalf("no screenshot: %v", err)
	}
	defer f.Close()
	cfg, err := png.DecodeConfig(f)
	if err != nil || cfg.Width != a4Width {
		t.Errorf("screenshot: %v, width %d, want %d", err, cfg.Width, a4Width)
	}
}
