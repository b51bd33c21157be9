package iso8583

// mtiSpec names one message type of the CUP POS profile.
type mtiSpec struct {
	name  Text
	reply bool // an answer from the host
}

// mtis names the message types (research/iso8583.md §3.1, sources S1, S2,
// S8). A request's answer is its MTI + 10.
var mtis = map[string]mtiSpec{
	"0100": {Text{"预授权类请求", "Pre-authorization request"}, false},
	"0110": {Text{"预授权类应答", "Pre-authorization answer"}, true},
	"0200": {Text{"消费类请求", "Purchase (financial) request"}, false},
	"0210": {Text{"消费类应答", "Purchase (financial) answer"}, true},
	"0220": {Text{"通知类请求（退货、离线）", "Advice request (refund, offline)"}, false},
	"0230": {Text{"通知类应答", "Advice answer"}, true},
	"0320": {Text{"批上送请求", "Batch upload request"}, false},
	"0330": {Text{"批上送应答", "Batch upload answer"}, true},
	"0400": {Text{"冲正请求", "Reversal request"}, false},
	"0410": {Text{"冲正应答", "Reversal answer"}, true},
	"0500": {Text{"批结算请求", "Settlement request"}, false},
	"0510": {Text{"批结算应答", "Settlement answer"}, true},
	"0620": {Text{"脚本处理结果通知", "Script result advice"}, false},
	"0630": {Text{"脚本处理结果通知应答", "Script result advice answer"}, true},
	"0800": {Text{"签到请求", "Sign-in request"}, false},
	"0810": {Text{"签到应答", "Sign-in answer"}, true},
	"0820": {Text{"管理类请求（签退、回响、查询）", "Management request (sign-off, echo, query)"}, false},
	"0830": {Text{"管理类应答", "Management answer"}, true},
}

// MTIName returns the name of an MTI in both languages; an MTI outside the
// profile is named by its class digits.
func MTIName(mti string) Text {
	if s, ok := mtis[mti]; ok {
		return s.name
	}
	if len(mti) == 4 && mti[2]%2 == 1 {
		return Text{"未知应答 " + mti, "Unknown answer " + mti}
	}
	return Text{"未知报文 " + mti, "Unknown message " + mti}
}

// IsAnswer reports whether mti is an answer (its third digit is odd: 0210,
// 0410, 0810).
func IsAnswer(mti string) bool { return len(mti) == 4 && (mti[2]-'0')%2 == 1 }

// AnswerMTI returns the MTI that answers a request (0200 → 0210).
func AnswerMTI(mti string) string {
	if len(mti) != 4 || IsAnswer(mti) {
		return ""
	}
	return mti[:2] + string(mti[2]+1) + mti[3:]
}

// transactionTypes are the 60.1 codes (research/iso8583.md §3.2: S8, S1
// globalvar.c TrTable, S16a).
var transactionTypes = map[string]Text{
	"00": {"管理类交易", "management"},
	"01": {"余额查询", "balance inquiry"},
	"03": {"积分查询", "loyalty inquiry"},
	"10": {"预授权", "pre-authorization"},
	"11": {"预授权撤销", "pre-authorization void"},
	"20": {"预授权完成（请求）", "pre-authorization completion"},
	"21": {"预授权完成撤销", "pre-authorization completion void"},
	"22": {"消费", "purchase"},
	"23": {"消费撤销", "purchase void"},
	"24": {"预授权完成（通知）", "pre-authorization completion advice"},
	"25": {"退货", "refund"},
	"27": {"电子现金退货", "e-cash refund"},
	"30": {"离线结算", "offline settlement"},
	"32": {"结算调整", "settlement adjustment"},
	"34": {"小费调整", "tip adjustment"},
	"36": {"IC卡离线消费", "IC offline purchase"},
}

// networkCodes are the 60.3 network management information codes
// (research/iso8583.md §3.1: S1, S2, S5, S16a).
var networkCodes = map[string]Text{
	"000": {"金融交易", "financial transaction"},
	"001": {"签到（单倍长密钥）", "sign-in, single-length keys"},
	"002": {"签退", "sign-off"},
	"003": {"签到（双倍长密钥）", "sign-in, double-length keys"},
	"004": {"签到（双倍长密钥，含磁道密钥）", "sign-in, double-length keys with track key"},
	"201": {"批结算 / 批上送", "settlement / batch upload"},
	"202": {"批上送结束（对账不平）", "batch upload end (totals mismatched)"},
	"203": {"IC卡批上送（对账平）", "IC batch upload (totals matched)"},
	"205": {"IC卡批上送（对账不平）", "IC batch upload (totals mismatched)"},
	"206": {"失败IC卡交易上送", "failed IC transaction upload"},
	"207": {"批上送结束（对账平）", "batch upload end (totals matched)"},
	"301": {"回响测试", "echo test"},
	"360": {"参数下载", "parameter download"},
	"362": {"参数上送", "parameter upload"},
	"370": {"公钥下载", "CA public key download"},
	"371": {"公钥下载结束", "CA public key download end"},
	"372": {"公钥查询", "CA public key query"},
	"380": {"IC卡参数下载", "IC parameter download"},
	"381": {"IC卡参数下载结束", "IC parameter download end"},
	"382": {"IC卡参数查询", "IC parameter query"},
	"951": {"脚本处理结果通知", "script result advice"},
}

// processingCodes name field 3 (research/iso8583.md §3.1; private codes
// exist, so an unknown one is shown as it is).
var processingCodes = map[string]Text{
	"000000": {"消费/预授权完成", "purchase / completion"},
	"310000": {"余额查询", "balance inquiry"},
	"200000": {"撤销/退货", "void / refund"},
	"030000": {"预授权", "pre-authorization"},
}

// entryModes name digits 1–2 of field 22 (research/iso8583.md §3.4).
var entryModes = map[string]Text{
	"00": {"未知", "unknown"},
	"01": {"手工输入", "manual entry"},
	"02": {"磁条", "magstripe"},
	"03": {"扫码", "QR code"},
	"05": {"接触式IC卡", "contact IC"},
	"07": {"非接触式IC卡", "contactless"},
	"80": {"降级（IC卡转磁条）", "fallback (IC to magstripe)"},
	"91": {"非接磁条", "contactless magstripe"},
}

// pinModes name digit 3 of field 22.
var pinModes = map[byte]Text{
	'0': {"PIN 未知", "PIN unknown"},
	'1': {"有 PIN", "PIN entered"},
	'2': {"无 PIN", "no PIN"},
}

// conditionCodes name field 25 (research/iso8583.md §3.3).
var conditionCodes = map[string]Text{
	"00": {"正常提交", "normal"},
	"06": {"预授权类", "pre-authorization"},
	"08": {"邮购/电话", "mail / phone order"},
	"18": {"邮购预授权", "MOTO pre-authorization"},
	"64": {"分期付款", "instalment"},
	"65": {"积分消费", "loyalty"},
	"91": {"电子现金圈存", "e-cash load"},
}

// reversalReasons name field 39 in a 0400 request (research/iso8583.md §2, S1).
var reversalReasons = map[string]Text{
	"98": {"冲正原因：未收到应答", "reversal reason: no answer received"},
	"A0": {"冲正原因：应答 MAC 校验错", "reversal reason: MAC of the answer did not verify"},
	"06": {"冲正原因：其他", "reversal reason: other"},
}

// TransactionName returns the name of the transaction a message is part of,
// from 60.1 (and 60.3 for management messages); ok is false when 60 is
// absent or its codes are unknown.
func (m *Message) TransactionName() (Text, bool) {
	sub := m.Field60()
	tt, nc := sub.Get("transaction_type"), sub.Get("network_code")
	if tt == "00" || tt == "" {
		if t, ok := networkCodes[nc]; ok && nc != "000" {
			return t, true
		}
	}
	t, ok := transactionTypes[tt]
	return t, ok
}

// Name returns the message's name: the MTI's, refined by the transaction
// (0200 + 60.1 = 22: "Purchase request").
func (m *Message) Name() Text {
	base := MTIName(m.MTI)
	t, ok := m.TransactionName()
	switch {
	case !ok:
		return base
	case !byTransaction[m.MTI]:
		return Text{base.Zh + "（" + t.Zh + "）", base.En + " (" + t.En + ")"}
	case IsAnswer(m.MTI):
		return Text{t.Zh + "应答", capitalize(t.En) + " answer"}
	}
	return Text{t.Zh + "请求", capitalize(t.En) + " request"}
}

// byTransaction are the MTIs named after their transaction (0200 + 60.1 22
// is a purchase request); the others keep their own name and add it
// (0400: "Reversal request (purchase)").
var byTransaction = map[string]bool{"0100": true, "0110": true, "0200": true, "0210": true, "0220": true, "0230": true}

func capitalize(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}
