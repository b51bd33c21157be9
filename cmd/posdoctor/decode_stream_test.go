package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/posdoctor/posdoctor/terminal/link"
	"github.com/posdoctor/posdoctor/terminal/zvt"
)

// decodeWhole is decode as it was before its input was streamed: the whole
// text parsed at once, every raw APDU traced in turn, the JSON written by
// encoding/json in one piece. The reference the streamed decode must equal.
func decodeWhole(t *testing.T, text string, jsonOut bool) string {
	t.Helper()
	data, err := zvt.ParseHex(text)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	w := io.Writer(&out)
	if jsonOut {
		w = io.Discard
	}
	tr := zvt.Trace(w, zvt.TraceOptions{SuppressTimestamps: true})
	var msgs []decodedMessage
	for off, n := 0, 0; off < len(data); n++ {
		_, l, err := zvt.ReadAPDU(data[off:])
		if err != nil {
			t.Fatalf("message %d: %v", n+1, err)
		}
		if jsonOut {
			view, _ := tr.Explain("", data[off:off+l])
			msgs = append(msgs, decodedMessage{Index: n + 1, Offset: off, Link: "raw", View: view})
		} else {
			_ = tr.Message(time.Time{}, "", data[off:off+l])
		}
		off += l
	}
	if jsonOut {
		enc := json.NewEncoder(&out)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(msgs); err != nil {
			t.Fatal(err)
		}
	}
	return out.String()
}

// captureTrace is a day's trace of many messages: real captures one after
// the other (with their comments), a card's PAN and track 2 among them,
// repeated.
func captureTrace(t *testing.T) string {
	t.Helper()
	var sb strings.Builder
	for range 6 {
		for _, name := range []string{
			"cap-feig-registration.hex", "cap-feig-girocard-status.hex", "cap-feig-customer-receipt.hex",
			"cap-feig-read-card-track2.hex", "cap-feig-partial-reversal.hex", "cap-feig-system-config.hex",
			"cap-feig-completion.hex", "cap-feig-write-data-ack.hex", "v07-status-info-feig-auth.hex",
		} {
			sb.WriteString(decodeVector(t, name))
			sb.WriteByte('\n')
		}
	}
	return sb.String()
}

// TestDecodeStreamedEqualsWhole: a multi-message trace read from stdin in
// pieces of any size (one byte at a time, or as a pipe gives it) prints
// exactly what decoding the whole input at once printed, text and JSON,
// and every full PAN and track in it is masked in both.
func TestDecodeStreamedEqualsWhole(t *testing.T) {
	t.Parallel()
	text := captureTrace(t)
	if len(text) < 3*decodeChunk/2 {
		t.Fatalf("trace of %d bytes does not span several input chunks", len(text))
	}
	readers := map[string]func() io.Reader{
		"whole":    func() io.Reader { return strings.NewReader(text) },
		"one byte": func() io.Reader { return iotest.OneByteReader(strings.NewReader(text)) },
		"half":     func() io.Reader { return iotest.HalfReader(strings.NewReader(text)) },
	}
	for _, format := range []string{"txt", "json"} {
		want := decodeWhole(t, text, format == "json")
		for _, secret := range []string{"4711008005757038004", "6725904411001000142", "47 11 00 80 05 75 70 38 00 4F"} {
			if strings.Contains(want, secret) {
				t.Fatalf("the reference shows %q", secret)
			}
		}
		for name, r := range readers {
			t.Run(format+"/"+name, func(t *testing.T) {
				t.Parallel()
				f, out, errOut := testFactory()
				f.IO.In = r()
				args := []string{"decode"}
				if format == "json" {
					args = append(args, "--json")
				}
				if code := run(context.Background(), args, f); code != exitOK || errOut.Len() != 0 {
					t.Fatalf("exit %d, stderr %q", code, errOut)
				}
				if got := out.String(); got != want {
					t.Fatalf("streamed output (%d bytes) differs from the whole-input output (%d bytes) at byte %d",
						len(got), len(want), firstDiff(got, want))
				}
				for _, masked := range []string{`471100*********8004`, `672590*********0142`} {
					if !strings.Contains(out.String(), masked) {
						t.Errorf("output lacks the masked PAN %q", masked)
					}
				}
			})
		}
	}
}

func firstDiff(a, b string) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// TestDecodeStreamedErrors: the error line is the one decoding the whole
// input gave, wherever in the stream the fault is, and a fault that whole
// decoding found first (bad hex) still wins over a bad frame before it.
func TestDecodeStreamedErrors(t *testing.T) {
	t.Parallel()
	big := strings.Repeat(strings.TrimSpace(decodeVector(t, "cap-feig-completion.hex"))+"\n", 20000)
	tests := []struct {
		name, in, wantErr string
		wantOut           []string
	}{
		{"bad hex after many messages", big + "06 0F 0G\n", "input is not hex: character 'G' at offset", []string{"Completion"}},
		{"bad hex wins over an earlier bad frame", "10 02 80 00 00 10 03 76 58\n" + big + "zz", "input is not hex: character 'z' at offset", nil},
		{"APDU cut short at the end", big + "04 0F 09 27 6C", "message 20001 at input byte 60000: zvt: status information 04 0F: data at offset 3: short: need 9 bytes, have 2", []string{"Completion"}},
		{"odd digits at the end", big + "06 0", "input is not hex: odd number of hex digits at the end", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			for _, r := range []io.Reader{strings.NewReader(tt.in), iotest.HalfReader(strings.NewReader(tt.in))} {
				f, out, errOut := testFactory()
				f.IO.In = r
				code := run(context.Background(), []string{"decode"}, f)
				msg := strings.TrimSpace(errOut.String())
				if code != exitCantRun || !strings.Contains(msg, tt.wantErr) || strings.Contains(msg, "\n") {
					t.Fatalf("exit %d, stderr %q; want 3 and one line with %q", code, msg, tt.wantErr)
				}
				for _, w := range tt.wantOut {
					if !strings.Contains(out.String(), w) {
						t.Errorf("stdout lacks %q", w)
					}
				}
			}
		})
	}
	// Where the hex error is: the offset counts every character of stdin.
	in := big + "06 0F 0G\n"
	f, _, errOut := testFactory()
	f.IO.In = iotest.OneByteReader(strings.NewReader(in))
	run(context.Background(), []string{"decode", "--json"}, f)
	if want := fmt.Sprintf("character 'G' at offset %d is not hex", len(in)-2); !strings.Contains(errOut.String(), want) {
		t.Errorf("stderr %q, want %q", errOut, want)
	}
}

// TestDecodeJSONWriterEqualsEncoder: the reflection-free JSON of decode
// --json is byte for byte what encoding/json writes, for messages with
// every kind of member, value and awkward string.
func TestDecodeJSONWriterEqualsEncoder(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(12, 34))
	for n := range 300 {
		msgs := make([]decodedMessage, rng.IntN(4))
		for i := range msgs {
			msgs[i] = randomMessage(rng)
		}
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(msgs); err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		w := bufio.NewWriter(&got)
		a := &jsonArray{w: w}
		for i := 0; i < len(msgs); { // in runs of one to three, as batches come
			k := min(len(msgs), i+1+rng.IntN(3))
			var run []byte
			for j := i; j < k; j++ {
				run = appendMessageJSON(append(run, jsonElementSep...), &msgs[j], 1)
			}
			a.addElements(run, k-i)
			i = k
		}
		if err := a.close(); err != nil {
			t.Fatal(err)
		}
		_ = w.Flush()
		if got.String() != want.String() {
			t.Fatalf("case %d: writer and encoding/json differ at byte %d:\n%s\n---\n%s", n, firstDiff(got.String(), want.String()), got.String(), want.String())
		}
	}
}

// awkwardStrings are strings encoding/json escapes in its own way.
var awkwardStrings = []string{
	"", "plain", `"quoted" \ back`, "<b>&amp;</b>", "tab\tnl\ncr\rbs\bff\f", "\x00\x01\x1f\x7f", "grün 12,95 €",
	"\xff\xfe broken", "line\u2028sep\u2029", "471100*********8004", "\u00e9\U0001F600",
}

func randomMessage(rng *rand.Rand) decodedMessage {
	str := func() string { return awkwardStrings[rng.IntN(len(awkwardStrings))] }
	m := decodedMessage{Index: rng.IntN(3), Offset: rng.IntN(1 << 20), Link: str(), CRC: str(), Signal: str(),
		View: zvt.View{Type: str(), Command: str(), Name: str(), Dir: str(), Length: rng.IntN(5000), Hex: str(), Error: str()}}
	switch rng.IntN(3) {
	case 0:
		m.Fields = nil
	case 1:
		m.Fields = []zvt.Item{}
	default:
		m.Fields = randomItems(rng, 0)
	}
	return m
}

func randomItems(rng *rand.Rand, depth int) []zvt.Item {
	str := func() string { return awkwardStrings[rng.IntN(len(awkwardStrings))] }
	values := []any{nil, "", "text", str(), uint64(0), uint64(1295), 7, -3, uint16(978), byte(0x1F), int64(-9), true, false,
		1.5, 1e21, []string{"a", "b"}, map[string]int{"z": 1, "a": 2}, json.RawMessage(`{"a":[1,{"b":2}],"c":{}}`), []int{}, struct{}{}}
	items := make([]zvt.Item, 1+rng.IntN(4))
	for i := range items {
		it := zvt.Item{Name: str(), BMP: str(), Tag: str(), Hex: str(), Value: values[rng.IntN(len(values))], Text: str()}
		if depth < 3 && rng.IntN(3) == 0 {
			it.Items = randomItems(rng, depth+1)
		} else if rng.IntN(4) == 0 {
			it.Items = []zvt.Item{}
		}
		items[i] = it
	}
	return items
}

// FuzzDecodeJSONString: any string is quoted as encoding/json quotes it
// (without HTML escaping).
func FuzzDecodeJSONString(f *testing.F) {
	for _, s := range awkwardStrings {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(s); err != nil {
			t.Fatal(err)
		}
		if got := string(appendJSONString(nil, s)) + "\n"; got != want.String() {
			t.Fatalf("%q: got %s want %s", s, got, want.String())
		}
	})
}

// TestDecodeSerialStreamedEqualsWhole: serial frames (with ACK bytes
// between them and DLE stuffing) read one byte at a time print what they
// print when read in large pieces, and a bad CRC far into the stream names
// the same frame and byte.
func TestDecodeSerialStreamedEqualsWhole(t *testing.T) {
	t.Parallel()
	data, err := zvt.ParseHex(captureTrace(t))
	if err != nil {
		t.Fatal(err)
	}
	var stream []byte
	for off := 0; off < len(data); {
		_, n, err := zvt.ReadAPDU(data[off:])
		if err != nil {
			t.Fatal(err)
		}
		stream = link.AppendFrame(stream, data[off:off+n])
		stream = append(stream, link.ACK)
		off += n
	}
	good := zvt.Hex(stream)
	bad := append([]byte(nil), stream...)
	bad[len(bad)-2] ^= 0xFF // the last frame's CRC high byte
	for _, in := range []string{good, zvt.Hex(bad)} {
		for _, args := range [][]string{{"decode"}, {"decode", "--json"}} {
			var outs, errs [2]string
			for i, r := range []io.Reader{strings.NewReader(in), iotest.OneByteReader(strings.NewReader(in))} {
				f, out, errOut := testFactory()
				f.IO.In = r
				run(context.Background(), args, f)
				outs[i], errs[i] = out.String(), errOut.String()
			}
			if outs[0] != outs[1] || errs[0] != errs[1] {
				t.Fatalf("%v: one byte at a time differs at byte %d; stderr %q vs %q", args, firstDiff(outs[0], outs[1]), errs[0], errs[1])
			}
			if in != good && !strings.Contains(errs[0], "bad CRC at byte") {
				t.Errorf("%v: stderr %q, want the bad CRC named", args, errs[0])
			}
			if in == good && (errs[0] != "" || !strings.Contains(outs[0], `471100*********8004`) || strings.Contains(outs[0], "4711008005757038004")) {
				t.Errorf("%v: stderr %q, or the PAN is not masked", args, errs[0])
			}
		}
	}
}

// TestDecodeJSONBatchesKeepOrder: --json explains batches of messages on
// several goroutines; the array is still in input order, the exit status
// names the first message that did not decode (not the first to finish),
// and the messages after it still print.
func TestDecodeJSONBatchesKeepOrder(t *testing.T) {
	t.Parallel()
	const good, bad = "80 00 00", "04 0F 09 27 6C 22 F0 F0 8B F0 F2 00" // bad: BMP 8B cut short
	var sb strings.Builder
	badAt := map[int]bool{3*jsonBatchSize + 5: true, 5*jsonBatchSize + 1: true}
	n := 7*jsonBatchSize + 3
	for i := 1; i <= n; i++ {
		if badAt[i] {
			sb.WriteString(bad + "\n")
		} else {
			sb.WriteString(good + "\n")
		}
	}
	f, out, errOut := testFactory()
	f.IO.In = strings.NewReader(sb.String())
	if code := run(context.Background(), []string{"decode", "--json"}, f); code != exitCantRun {
		t.Fatalf("exit %d, want %d (stderr %q)", code, exitCantRun, errOut)
	}
	first := 3*jsonBatchSize + 5
	wantErr := fmt.Sprintf("message %d at input byte %d: zvt: status information 04 0F: BMP 8B at offset 11", first, 3*(first-1))
	if !strings.Contains(errOut.String(), wantErr) {
		t.Errorf("stderr %q, want %q", errOut, wantErr)
	}
	var msgs []decodedMessage
	if err := json.Unmarshal(out.Bytes(), &msgs); err != nil {
		t.Fatalf("output is not one JSON array: %v", err)
	}
	if len(msgs) != n {
		t.Fatalf("%d messages printed, want %d", len(msgs), n)
	}
	for i, m := range msgs {
		if m.Index != i+1 || (m.Type == "malformed") != badAt[i+1] {
			t.Fatalf("element %d: index %d type %q: out of order", i, m.Index, m.Type)
		}
	}
}
