package i18n

// shareMessages are the texts of a shared case (SSH viewers, control) and
// of the case-per-connection rule; they join messages at start.
var shareMessages = map[string]msg{
	"help.sharing":     {"Sharing over SSH:", "SSH 共享："},
	"key.askcontrol":   {"ask the technician for control", "向技术员申请操作权"},
	"key.takeback":     {"take control back from the helpdesk", "从服务台收回操作权"},
	"share.incontrol":  {"in control", "操作中"},
	"share.nobody":     {"nobody yet", "暂无"},
	"share.watching":   {"Watching (%d): %s", "正在观看（%d）：%s"},
	"share.takeback":   {"ctrl+t: take control back", "ctrl+t：收回操作权"},
	"share.code":       {"join code %s (until %s)", "加入码 %s（%s 前有效）"},
	"share.addr":       {"ssh: %s", "ssh：%s"},
	"share.youdrive":   {"You are in control: your keys drive the technician's console. The test payment is confirmed only at the counter.", "你有操作权：你的按键操作技术员的控制台。测试交易只能在柜台确认。"},
	"share.asked":      {"Control requested: waiting for the technician to answer.", "已申请操作权：等待技术员回应。"},
	"share.readonly":   {"Watching, read-only. R: ask the technician for control  L: language  q: leave", "正在观看（只读）。R：向技术员申请操作权  L：语言  q：离开"},
	"share.reqtitle":   {"Control requested", "申请操作权"},
	"share.reqbody":    {"%s asks to drive this console. You can take control back at any time with ctrl+t. A test payment still needs your own keyboard.", "%s 申请操作此控制台。你随时可以按 ctrl+t 收回操作权。测试交易仍需你在本机键盘确认。"},
	"share.allow":      {"allow", "允许"},
	"share.refuse":     {"refuse", "拒绝"},
	"share.toofast":    {"Too many keys at once: wait a moment.", "按键太快：请稍候。"},
	"share.tookback":   {"You took control back.", "已收回操作权。"},
	"share.noconnect":  {"Only the technician can connect to another terminal.", "只有技术员可以连接其他终端。"},
	"share.already":    {"Already shared: %s", "已在共享：%s"},
	"share.starting":   {"Starting to share the case over SSH...", "正在通过 SSH 共享此案例..."},
	"share.failed":     {"Could not share the case: %v", "无法共享此案例：%v"},
	"share.started":    {"Shared over SSH: %s", "已通过 SSH 共享：%s"},
	"key.share":        {"share over SSH", "通过 SSH 共享"},
	"txn.counteronly":  {"The test payment is confirmed only at the counter, on the technician's own keyboard.", "测试交易只能在柜台由技术员在本机键盘确认。"},
	"connect.keep":     {"k: keep the symptom \"%s\" for the next terminal: %s", "k：下一台终端沿用症状「%s」：%s"},
	"connect.keep.on":  {"yes", "是"},
	"connect.keep.off": {"no (a new terminal is a new case)", "否（新终端即新案例）"},
}

func init() {
	for k, v := range shareMessages {
		messages[k] = v
	}
}
