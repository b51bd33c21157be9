package main

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/posdoctor/posdoctor/model"
	"github.com/posdoctor/posdoctor/terminal"
	"github.com/posdoctor/posdoctor/terminal/iso8583"
	"github.com/posdoctor/posdoctor/ui"
)

// ReadTraceLog reads a host log of CUP ISO 8583 messages for the console's
// trace view (ui.TraceLogReader): each message a frame, a request's summary
// naming its answer and the time between them (or that none came), an
// answer's its field 39 explained. Card data is masked as everywhere.
func (b *consoleBackend) ReadTraceLog(path string, lang model.Lang) (ui.TraceLog, error) {
	lg, err := readHostLog(path, lang)
	if err != nil {
		return ui.TraceLog{}, err
	}
	return traceLogFrames(model.Knowledge(), path, lg, lang), nil
}

// traceLogTexts are the console's words for reading a log.
var traceLogTexts = map[string]model.Text{
	"missing": {Zh: "找不到文件 %s：请检查路径", En: "there is no file %s: check the path"},
	"denied":  {Zh: "没有权限读取 %s", En: "no permission to read %s"},
	"read":    {Zh: "无法读取 %s", En: "cannot read %s"},
	"big":     {Zh: "%s 超过 64 MB：请截取需要的部分", En: "%s is larger than 64 MB: cut out the part you need"},
	"empty":   {Zh: "%s 中没有 ISO 8583 报文（每行一条十六进制报文）", En: "%s holds no ISO 8583 messages (one hex message a line)"},
	"notlog":  {Zh: "%s 不像十六进制报文日志（有一行超过 512 KB）", En: "%s is not a log of hex messages (a line is longer than 512 KB)"},
	"request": {Zh: "请求不在日志中", En: "request not in the log"},
}

func traceLogError(k, path string, lang model.Lang) error {
	return errors.New(strings.Replace(traceLogTexts[k].In(lang), "%s", path, 1))
}

// readHostLog opens and reads path, its errors one line in lang.
func readHostLog(path string, lang model.Lang) (*iso8583.Log, error) {
	f, err := os.Open(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, traceLogError("missing", path, lang)
	case errors.Is(err, fs.ErrPermission):
		return nil, traceLogError("denied", path, lang)
	case err != nil:
		return nil, traceLogError("read", path, lang)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxDecodeInput+1))
	if err != nil {
		return nil, traceLogError("read", path, lang)
	}
	if len(b) > maxDecodeInput {
		return nil, traceLogError("big", path, lang)
	}
	lg, err := iso8583.ReadLog(strings.NewReader(string(b)))
	if err != nil {
		return nil, traceLogError("notlog", path, lang)
	}
	decoded := 0
	for _, e := range lg.Entries {
		if e.Msg != nil {
			decoded++
		}
	}
	if decoded == 0 {
		return nil, traceLogError("empty", path, lang)
	}
	return lg, nil
}

// traceLogFrames turns a read log into the trace view's frames.
func traceLogFrames(kb *model.KB, path string, lg *iso8583.Log, lang model.Lang) ui.TraceLog {
	l := string(lang)
	out := ui.TraceLog{Path: path, Messages: len(lg.Entries)}
	outcome := map[int]string{} // entry → what its exchange says
	for _, x := range lg.Exchanges {
		switch {
		case x.Request >= 0:
			outcome[x.Request] = "-> " + iso8583.ExchangeText(lg, x, l)
			if x.Answer >= 0 {
				out.Exchanges++
				outcome[x.Answer] = "<- " + lg.Entries[x.Request].Msg.MTI
			} else {
				out.Unanswered++
			}
		default:
			outcome[x.Answer] = "<- " + traceLogTexts["request"].In(lang)
		}
	}
	for i, e := range lg.Entries {
		fr := ui.LogFrame{At: e.Time}
		if e.Msg == nil {
			fr.Frame = terminal.Frame{Dir: "?", Summary: e.Err.Error()}
			out.Frames = append(out.Frames, fr)
			continue
		}
		v := iso8583.Explain(e.Msg, iso8583.ViewOptions{})
		var sb strings.Builder
		_ = iso8583.WriteText(&sb, v, l)
		detail := strings.TrimRight(sb.String(), "\n")
		if j := strings.LastIndex(detail, "\n"); j >= 0 { // the hex line: shown as Hex
			detail = detail[:j]
		}
		summary := v.MTI
		if v.STAN != "" {
			summary += " STAN " + v.STAN
		}
		if v.TID != "" {
			summary += " TID " + v.TID
		}
		if x := explainISO(kb, e.Msg); x != nil {
			summary += " 39=" + x.Code
			if x.Known {
				summary += " " + x.Display.In(lang)
			}
		}
		fr.Frame = terminal.Frame{Dir: terminal.Direction(e.Direction()), Summary: summary + " " + outcome[i], Detail: detail, Hex: v.Hex}
		out.Frames = append(out.Frames, fr)
	}
	return out
}
