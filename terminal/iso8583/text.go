package iso8583

import (
	"fmt"
	"io"
	"strconv"
	"strings"
)

// textLabels are the words of the text form, in both languages.
var textLabels = map[string]Text{
	"found":     {"报文组成", "found"},
	"length":    {"长度", "length"},
	"tpdu":      {"TPDU", "TPDU"},
	"header":    {"报文头", "header"},
	"bytes":     {"字节", "bytes"},
	"digits":    {"位", "digits"},
	"present":   {"存在，值不显示", "present, value not shown"},
	"rest":      {"未解析的字节（原样保留）", "bytes not read (kept raw)"},
	"problem":   {"问题", "problem"},
	"bitmap":    {"位图", "bitmap"},
	"hexdump":   {"十六进制（已屏蔽）", "hex (masked)"},
	"dest":      {"目的", "destination"},
	"source":    {"源", "source"},
	"request":   {"主机要求", "host asks"},
	"none":      {"无", "none"},
	"noanswer":  {"无应答", "no answer"},
	"norequest": {"日志中无对应请求", "request not in the log"},
	"after":     {"耗时", "after"},
}

func lbl(k, lang string) string { return textLabels[k].In(lang) }

// WriteText writes v for people in lang ("zh" or "en"), one field a line,
// sub-fields, data objects and bits indented below it, then the problems and
// the masked hex.
func WriteText(w io.Writer, v View, lang string) error {
	var sb strings.Builder
	fmt.Fprintf(&sb, "%s  %s\n", v.MTI, v.Name.In(lang))
	sb.WriteString("  " + lbl("found", lang) + ": " + foundText(v, lang) + "\n")
	if v.TPDU != nil {
		fmt.Fprintf(&sb, "  TPDU %s  %s %s  %s %s\n", v.TPDU.ID, lbl("dest", lang), v.TPDU.Destination, lbl("source", lang), v.TPDU.Source)
	}
	if h := v.Header; h != nil {
		fmt.Fprintf(&sb, "  %s %s %s %s%s %s", lbl("header", lang), h.AppClass, h.Version, h.Status, h.Request, h.SubVersion)
		if h.RequestMeaning != nil {
			fmt.Fprintf(&sb, "  (%s: %s)", lbl("request", lang), h.RequestMeaning.In(lang))
		}
		sb.WriteString("\n")
	}
	for _, it := range v.Fields {
		writeItem(&sb, it, lang, 1)
	}
	if v.Rest != "" {
		sb.WriteString("  " + lbl("rest", lang) + ": " + v.Rest + "\n")
	}
	for _, p := range v.Problems {
		sb.WriteString("  " + lbl("problem", lang) + ": " + p + "\n")
	}
	sb.WriteString("  " + lbl("hexdump", lang) + ": " + v.Hex + "\n")
	_, err := io.WriteString(w, sb.String())
	return err
}

func foundText(v View, lang string) string {
	var parts []string
	if v.Found.Length {
		parts = append(parts, lbl("length", lang)+" "+strconv.Itoa(v.Length))
	}
	if v.Found.TPDU {
		parts = append(parts, "TPDU")
	}
	if v.Found.Header {
		parts = append(parts, lbl("header", lang))
	}
	parts = append(parts, "MTI", lbl("bitmap", lang)+" "+v.Bitmap)
	sep := ", "
	if lang == "zh" {
		sep = "，"
	}
	return strings.Join(parts, sep) + " (" + strconv.Itoa(v.Size) + " " + lbl("bytes", lang) + ")"
}

// writeItem writes one item and its children at depth.
func writeItem(sb *strings.Builder, it Item, lang string, depth int) {
	indent := strings.Repeat("  ", depth)
	head := it.Name
	switch {
	case it.No != 0:
		head = "F" + strconv.Itoa(it.No)
	case it.Sub != "":
		head = it.Sub
	case it.Tag != "":
		head = it.Tag
	case it.Bit != "":
		head = it.Bit
		if lang == "zh" {
			head = "第" + strconv.Itoa(it.bitByte) + "字节第" + strconv.Itoa(it.bitNo) + "位"
		}
	}
	title := it.Title.In(lang)
	if title == "" {
		title = it.Name
	}
	line := indent + pad(head, 6) + pad(title, 28)
	switch {
	case it.Bit != "":
		line = indent + pad(head, 14) + title
	case it.Hidden:
		line += lbl("present", lang) + ", " + strconv.Itoa(it.Length) + " " + lbl("bytes", lang)
	case it.Value != "":
		line += it.Value
	case it.Hex != "" && (it.Tag != "" || len(it.Items) == 0):
		line += it.Hex
	case it.Length > 0:
		line += strconv.Itoa(it.Length) + " " + lbl("bytes", lang)
	}
	if it.Meaning != nil {
		line += "  " + it.Meaning.In(lang)
	}
	sb.WriteString(strings.TrimRight(line, " ") + "\n")
	for _, c := range it.Items {
		writeItem(sb, c, lang, depth+1)
	}
}

// pad pads s to width display columns (CJK counts two), always leaving a
// space.
func pad(s string, width int) string {
	w := 0
	for _, r := range s {
		if r >= 0x1100 {
			w += 2
		} else {
			w++
		}
	}
	if w >= width {
		return s + " "
	}
	return s + strings.Repeat(" ", width-w)
}

// Summary is one line about an entry for traces: "0200 Purchase request
// STAN 000123 TID 12345678", with the response code of an answer.
func Summary(v View, lang string) string {
	s := v.MTI + " " + v.Name.In(lang)
	if v.STAN != "" {
		s += " STAN " + v.STAN
	}
	if v.TID != "" {
		s += " TID " + v.TID
	}
	if v.ResponseCode != "" {
		s += " 39=" + v.ResponseCode
	}
	return s
}

// ExchangeText words an exchange's outcome: "0210 39=00 after 850 ms", "no
// answer", or "request not in the log".
func ExchangeText(l *Log, x Exchange, lang string) string {
	switch {
	case x.Answer < 0:
		return lbl("noanswer", lang)
	case x.Request < 0:
		return lbl("norequest", lang)
	}
	a := l.Entries[x.Answer].Msg
	s := a.MTI
	if a.Has(39) {
		s += " 39=" + strings.ToUpper(a.Text(39))
	}
	if x.HasLatency {
		s += " " + lbl("after", lang) + " " + strconv.FormatInt(x.Latency.Milliseconds(), 10) + " ms"
	}
	return s
}
