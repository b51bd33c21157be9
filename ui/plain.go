package ui

import (
	"context"
	"errors"
	"io"
	"strings"
	"syscall"

	"github.com/posdoctor/posdoctor/model"
	"github.com/posdoctor/posdoctor/terminal"
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

// linkErrors say in words why a connect failed, for a Chinese console: the
// link layer's own error text is English (it stays in the English console
// and the journal). First match wins.
var linkErrors = []struct {
	err  error
	text model.Text
}{
	{syscall.ECONNREFUSED, model.Text{En: "the connection was refused", Zh: "连接被拒绝：终端未开机，或未开启网络 ECR 接口"}},
	{context.DeadlineExceeded, model.Text{En: "no answer in time", Zh: "终端在规定时间内没有应答"}},
	{terminal.ErrNoAnswer, model.Text{En: "the terminal did not answer", Zh: "终端没有应答"}},
	{terminal.ErrNotProtocol, model.Text{En: "this is not a ZVT terminal", Zh: "该端口上不是 ZVT 终端"}},
	{terminal.ErrRejected, model.Text{En: "the terminal refused the registration", Zh: "终端拒绝连接（请检查配置中的 ZVT 密码）"}},
	{terminal.ErrLink, model.Text{En: "the link could not be opened", Zh: "无法打开链路（串口或网络）"}},
}

// connErr is why a connect failed: the link's own words in English, the
// console's words for its kind in Chinese.
func (m *Model) connErr(err error) string {
	if m.lang != model.LangZh {
		return m.plain(err)
	}
	for _, p := range linkErrors {
		if errors.Is(err, p.err) {
			return p.text.Zh
		}
	}
	return m.T("connect.unknownerr")
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
