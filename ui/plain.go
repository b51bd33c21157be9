package ui

import (
	"context"
	"errors"
	"io"
	"strings"

	"github.com/posdoctor/posdoctor/model"
)

// plainErrors say, in words an operator reads, what a Go error that reached
// the console means. They are matched with errors.Is, first match wins.
var plainErrors = []struct {
	err  error
	text model.Text
}{
	{context.Canceled, model.Text{En: "aborted by the operator", Zh: "操作员已中止"}},
	{context.DeadlineExceeded, model.Text{En: "the terminal did not answer in time", Zh: "终端未在规定时间内应答"}},
	{io.ErrUnexpectedEOF, model.Text{En: "the terminal closed the connection in the middle of a message", Zh: "终端在报文中途断开了连接"}},
	{io.EOF, model.Text{En: "the terminal closed the connection", Zh: "终端断开了连接"}},
}

// goPhrases are the texts of those errors as they show up inside a longer
// message that was already a string when the console got it (a check's
// summary, a journal note). The console writes them in words instead.
var goPhrases = []struct {
	phrase string
	text   model.Text
}{
	{"context canceled", plainErrors[0].text},
	{"context deadline exceeded", plainErrors[1].text},
	{"deadline exceeded", plainErrors[1].text},
	{"unexpected EOF", plainErrors[2].text},
	{"EOF", plainErrors[3].text},
}

// plain is err for the screen: the words for a known cause, the error's
// own one-line text otherwise, never Go's error text.
func (m *Model) plain(err error) string {
	if err == nil {
		return ""
	}
	for _, p := range plainErrors {
		if errors.Is(err, p.err) {
			return p.text.In(m.lang)
		}
	}
	return m.plainText(err.Error())
}

// plainText replaces Go's error phrases inside s with words.
func (m *Model) plainText(s string) string {
	for _, p := range goPhrases {
		if strings.Contains(s, p.phrase) {
			s = replaceWord(s, p.phrase, p.text.In(m.lang))
		}
	}
	return s
}

// replaceWord replaces old in s where it stands as a word (EOF, not the
// EOF inside a longer name).
func replaceWord(s, old, new string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, old)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		j := i + len(old)
		before := i == 0 || !isWordByte(s[i-1])
		after := j == len(s) || !isWordByte(s[j])
		b.WriteString(s[:i])
		if before && after {
			b.WriteString(new)
		} else {
			b.WriteString(old)
		}
		s = s[j:]
	}
}

func isWordByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}
