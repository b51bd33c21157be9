package checks

import (
	"errors"
	"fmt"
	"time"

	"github.com/posdoctor/posdoctor/model"
	"github.com/posdoctor/posdoctor/terminal"
)

// A silent terminal (issue 12) is the most common field call, so each way
// of being silent gets its own words and its own diagnosis fact, from the
// driver's typed error ([terminal.SilenceOf]) and never from its text:
//
//   - never accepted (no 80 00 within T3): nothing was charged; the link or
//     the ECR setting is at fault;
//   - accepted, then no result (T4, a dropped connection, a lost
//     Completion): a payment's outcome is unknown and is resolved with
//     Repeat Receipt and Reversal;
//   - every command refused with 84 83: ZVT is switched off, or the
//     password is wrong.

// rcNotPossible is ZVT 84 83, "function not possible".
const rcNotPossible = 0x83

// silenceText is what a user reads when op met a silent terminal; ok is
// false when err is no silence.
func silenceText(op model.Text, err error) (model.Text, bool) {
	var te *terminal.Error
	errors.As(err, &te)
	wait := time.Duration(0)
	if te != nil {
		wait = te.Wait
	}
	switch terminal.SilenceOf(err) {
	case terminal.SilenceNotAccepted:
		return model.Text{
			En: fmt.Sprintf("%s: the terminal did not accept the command within %s; nothing was charged", op.En, secs(wait, "s")),
			Zh: fmt.Sprintf("%s：终端在 %s内没有接受命令；没有扣款", op.Zh, secs(wait, " 秒")),
		}, true
	case terminal.SilenceNoResult:
		if te != nil && te.Dropped { // the link broke rather than timed out
			return cat(op, tx(": the terminal accepted the command, then the connection broke before its result came",
				"：终端接受了命令，但在结果传回之前连接断开了")), true
		}
		return model.Text{
			En: fmt.Sprintf("%s: the terminal accepted the command, but its result never came (waited %s)", op.En, secs(wait, "s")),
			Zh: fmt.Sprintf("%s：终端接受了命令，但结果一直没有传回来（等了 %s）", op.Zh, secs(wait, " 秒")),
		}, true
	}
	return model.Text{}, false
}

// refusedAllText is the summary of a terminal that refused Registration
// and Status Enquiry alike with 84 83.
var refusedAllText = tx("the terminal refuses every command with 84 83 (function not possible): ZVT is switched off on the terminal, or the ECR password is wrong; switch the ECR interface (ZVT) on in the terminal's menu and check the password (password in the config file or POSDOCTOR_PASSWORD)",
	"终端对每条命令都回答 84 83（功能不可用）：终端上的 ZVT 接口被关闭，或收银机密码不对；请在终端菜单中打开收银机接口（ZVT），并检查密码（配置文件中的 password 或 POSDOCTOR_PASSWORD）")

// silenceEvidence sets the model's silence fact for err on ev.
func silenceEvidence(ev map[string]string, err error) {
	switch terminal.SilenceOf(err) {
	case terminal.SilenceNotAccepted:
		setFact(ev, model.FactCommandNotAccepted, "true")
	case terminal.SilenceNoResult:
		setFact(ev, model.FactResultNotHeard, "true")
	}
}

// refusedNotPossible reports whether err is a refusal with 84 83.
func refusedNotPossible(err error) bool {
	var te *terminal.Error
	return errors.As(err, &te) && te.Kind == terminal.KindRejected && te.Code == rcNotPossible
}

// secs writes d in whole seconds when it is whole ("5s", "5 秒"), else as
// Go writes durations; unit follows the number.
func secs(d time.Duration, unit string) string {
	if d <= 0 {
		d = 5 * time.Second // ZVT T3, the default
	}
	if d%time.Second == 0 {
		return fmt.Sprintf("%d%s", d/time.Second, unit)
	}
	return d.String()
}
