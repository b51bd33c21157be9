package iso8583

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/posdoctor/posdoctor/terminal"
)

// Log reading: a host (POSP) log or a terminal debug log holds one message
// a line as hex, optionally after a timestamp ("2026-12-02 14:30:15.120",
// "14:30:15,120", "[2026-12-02T14:30:15.120+08:00]") and a label ("SEND",
// "recv:", "->"). A line without a timestamp continues the message above it
// while that message is not complete yet, so a message split over lines (or
// an annotated vector, one field a line, '#' comments) reads as one.

// MaxLogLine bounds one line: a message is at most 65537 bytes, 131 074 hex
// digits; separators and a timestamp fit in the rest.
const MaxLogLine = 512 << 10

// Directions of host messages (the terminal package's, as strings).
const (
	ToHost   = string(terminal.ToHost)
	FromHost = string(terminal.FromHost)
)

// Entry is one message of a log.
type Entry struct {
	// Line is the 1-based line the message starts on.
	Line int
	// Time is the timestamp of the line, when it has one (HasTime). Without
	// a date it is on day zero.
	Time    time.Time
	HasTime bool
	// Label is the words between the timestamp and the hex ("SEND").
	Label string
	Raw   []byte
	// Msg is the decoded message (nil when Err is set).
	Msg *Message
	Err error
}

// Direction is ToHost for a request, FromHost for an answer, "" when the
// entry did not decode.
func (e Entry) Direction() string {
	switch {
	case e.Msg == nil:
		return ""
	case IsAnswer(e.Msg.MTI):
		return FromHost
	}
	return ToHost
}

// Exchange pairs a request with its answer: same TID (41) and STAN (11),
// the answer's MTI the request's + 10, the answer later in the log. Request
// or Answer is -1 when that side is missing (an unanswered request, an
// answer whose request is not in the log). Indexes are into Log.Entries.
type Exchange struct {
	Request, Answer int
	// Latency is the time from the request to the answer, when both lines
	// have a timestamp (HasLatency).
	Latency    time.Duration
	HasLatency bool
}

// Log is a read log: its entries in order and the exchanges among them, in
// the order their first message appears.
type Log struct {
	Entries   []Entry
	Exchanges []Exchange
}

// Unanswered returns the exchanges whose request got no answer.
func (l *Log) Unanswered() []Exchange {
	var out []Exchange
	for _, x := range l.Exchanges {
		if x.Answer < 0 {
			out = append(out, x)
		}
	}
	return out
}

// timestampRE matches a timestamp at the start of a line.
var timestampRE = regexp.MustCompile(`^\[?((\d{4})[-/](\d{2})[-/](\d{2})[ T])?(\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?\]?`)

// ReadLog reads a log from r. The error is non-nil only when r cannot be
// read or a line is longer than MaxLogLine; a line that is not a message is
// an entry with Err set.
func ReadLog(r io.Reader) (*Log, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), MaxLogLine)
	l := &Log{}
	var cur *Entry
	flush := func() {
		if cur != nil {
			l.Entries = append(l.Entries, finish(cur))
			cur = nil
		}
	}
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		if strings.TrimSpace(line) == "" {
			if strings.TrimSpace(sc.Text()) == "" {
				flush() // a blank line ends a message; a comment line does not
			}
			continue
		}
		ts, hasTS, rest := cutTimestamp(line)
		label, data := cutLabel(rest)
		b, err := ParseHex(data)
		if cur != nil && !hasTS && label == "" && cur.Err == nil && err == nil && incomplete(cur.Raw) {
			cur.Raw = append(cur.Raw, b...)
			continue
		}
		flush()
		cur = &Entry{Line: n, Time: ts, HasTime: hasTS, Label: label, Raw: b}
		if err != nil {
			cur.Err = fmt.Errorf("line %d: not a hex message: %w", n, err)
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, fmt.Errorf("line %d is longer than %d KB: is this a log of hex messages?", n+1, MaxLogLine>>10)
		}
		return nil, err
	}
	flush()
	l.Exchanges = pair(l.Entries)
	return l, nil
}

// maxSplitMessage bounds a message without a length prefix that is split
// over lines: past it, the next line starts a new message (CUP POS messages
// are a few hundred bytes), which keeps reading a hostile log linear.
const maxSplitMessage = 2048

// incomplete reports whether the bytes so far are the start of a message
// that goes on: a 2-byte length (below 0x6000: a TPDU or header would read
// as more) says more bytes follow, or, without one, it does not decode yet
// or a field was cut short.
func incomplete(b []byte) bool {
	if len(b) < 2 {
		return true
	}
	if n := int(b[0])<<8 | int(b[1]); n < 0x6000 && n+2 > len(b) {
		return true
	}
	if len(b) >= maxSplitMessage {
		return false
	}
	m, err := Decode(b)
	if err != nil {
		return true
	}
	for _, p := range m.Problems {
		if errors.Is(p, ErrShort) {
			return true
		}
	}
	return false
}

// cutTimestamp splits a leading timestamp off line.
func cutTimestamp(line string) (time.Time, bool, string) {
	s := strings.TrimLeft(line, " \t")
	m := timestampRE.FindStringSubmatch(s)
	if m == nil {
		return time.Time{}, false, line
	}
	layout, value := "15:04:05", m[5]+":"+m[6]+":"+m[7]
	if m[1] != "" {
		layout, value = "2006-01-02 "+layout, m[2]+"-"+m[3]+"-"+m[4]+" "+value
	}
	if m[8] != "" {
		layout, value = layout+"."+strings.Repeat("0", len(m[8])), value+"."+m[8]
	}
	loc := time.UTC
	if z := m[9]; z != "" && z != "Z" {
		if zt, err := time.Parse("-0700", strings.ReplaceAll(z, ":", "")); err == nil {
			loc = zt.Location()
		}
	}
	t, err := time.ParseInLocation(layout, value, loc)
	if err != nil {
		return time.Time{}, false, line
	}
	return t, true, s[len(m[0]):]
}

// cutLabel splits the words before the hex data off: "SEND: 00 57 …" →
// "SEND:", "00 57 …".
func cutLabel(s string) (string, string) {
	words := strings.Fields(s)
	i := 0
	for i < len(words) && !isHexToken(words[i]) {
		i++
	}
	return strings.Join(words[:i], " "), strings.Join(words[i:], " ")
}

// finish decodes an entry's bytes.
func finish(e *Entry) Entry {
	switch {
	case e.Err != nil:
	case len(e.Raw) == 0:
		e.Err = fmt.Errorf("line %d: no hex data", e.Line)
	default:
		e.Msg, e.Err = Decode(e.Raw)
		if e.Err != nil {
			e.Err = fmt.Errorf("line %d: %w", e.Line, e.Err)
		}
	}
	return *e
}

// pair builds the exchanges of entries.
func pair(entries []Entry) []Exchange {
	type key struct{ tid, stan, mti string }
	pending := map[key][]int{}
	var out []Exchange
	for i, e := range entries {
		if e.Msg == nil {
			continue
		}
		k := key{strings.TrimRight(e.Msg.Text(41), " "), e.Msg.Digits(11), e.Msg.MTI}
		if !IsAnswer(e.Msg.MTI) {
			k.mti = AnswerMTI(e.Msg.MTI)
			pending[k] = append(pending[k], len(out))
			out = append(out, Exchange{Request: i, Answer: -1})
			continue
		}
		q := pending[k]
		if len(q) == 0 {
			out = append(out, Exchange{Request: -1, Answer: i})
			continue
		}
		x := &out[q[0]]
		pending[k] = q[1:]
		x.Answer = i
		if req := entries[x.Request]; req.HasTime && e.HasTime {
			x.Latency, x.HasLatency = e.Time.Sub(req.Time), true
			if x.Latency < 0 && req.Time.Year() == 0 {
				x.Latency += 24 * time.Hour // times without a date, across midnight
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return first(out[i]) < first(out[j]) })
	return out
}

func first(x Exchange) int {
	if x.Request >= 0 {
		return x.Request
	}
	return x.Answer
}
