package checks

import (
	"strings"
	"unicode"

	"github.com/posdoctor/posdoctor/model"
)

// The labels of the output side (check's text, the reports): every value
// a reader reads is shown by its label from the knowledge base's one table
// ([model.Label]). The evidence keys of the checks, which the knowledge base
// does not list, have their labels here.

// Label is value's label of kind k in l ([model.Label]); a value with no
// label is shown as it is.
func Label(k model.LabelKind, value string, l model.Lang) string { return model.Label(k, value, l) }

// StepStateLabel is the label of a step's state in a report: the operator's
// mark from the journal (done, skipped, failed) or the playbook's own state.
func StepStateLabel(state string, l model.Lang) string {
	switch state {
	case StepFailed:
		return model.Label(model.KindMark, "no_help", l)
	case StepDone, StepSkipped:
		return model.Label(model.KindMark, state, l)
	}
	return model.Label(model.KindStepState, state, l)
}

// labelKind names a table of this file.
type labelKind int

const (
	labelEvidence       labelKind = iota // an evidence key of a check
	labelEvidenceSuffix                  // the per-host keys of the network probes
	labelValue                           // evidence values that are words
)

// labels are the evidence labels, by kind and value.
var labels = map[labelKind]map[string]model.Text{
	labelEvidence: {
		"link":                   tx("link", "连接方式"),
		"protocol":               tx("protocol", "协议"),
		"tid":                    tx("terminal id", "终端号"),
		"model":                  tx("model", "型号"),
		"serial":                 tx("serial number", "序列号"),
		"status_text":            tx("status text", "状态文字"),
		"status_code":            tx("status code", "状态码"),
		"device_state":           tx("device state", "设备状态"),
		"software_version":       tx("software version", "软件版本"),
		"baseline":               tx("minimum version", "最低版本"),
		"baseline_model":         tx("minimum version for", "最低版本适用型号"),
		"version_below_baseline": tx("below the minimum", "低于最低版本"),
		"terminal_time":          tx("terminal clock", "终端时钟"),
		"clock_skew_s":           tx("clock offset (s)", "时钟偏差（s）"),
		"registration_status":    tx("registration status", "连接终端状态码"),
		"zvt_result":             tx("ZVT result code", "ZVT 结果码"),
		"host_code":              tx("host code", "主机返回码"),
		"terminal_text":          tx("terminal text", "终端显示"),
		"host_reachable":         tx("host reachable", "主机可达"),
		"host_latency_ms":        tx("host latency (ms)", "主机响应时间（ms）"),
		"latency_ms":             tx("answer time (ms)", "响应时间（ms）"),
		"card_readable":          tx("card readable", "卡片可读"),
		"card_expired":           tx("card expired", "卡片已过期"),
		"card_name":              tx("card", "卡片"),
		"technology":             tx("card technology", "读卡方式"),
		"known_good_card":        tx("known good card", "已知可用的卡"),
		"pan":                    tx("card number (masked)", "卡号（已屏蔽）"),
		"expiry":                 tx("expiry", "有效期"),
		"amount":                 tx("amount (minor units)", "金额（分）"),
		"currency":               tx("currency code", "币种代码"),
		"receipt":                tx("receipt number", "凭条号"),
		"txn_ref":                tx("payment reference", "交易参考号"),
		"resolution":             tx("payment outcome", "交易结果"),
	},
	// LabelEvidenceSuffix labels the per-host keys of the network probes
	// (acquirer_NAME_dns_ms): the host's name stays as it is.
	labelEvidenceSuffix: {
		"_dns_ms":       tx("DNS lookup (ms)", "DNS 解析（ms）"),
		"_tcp_ms":       tx("TCP connect (ms)", "TCP 连接（ms）"),
		"_tls_ms":       tx("TLS handshake (ms)", "TLS 握手（ms）"),
		"_cert_expires": tx("certificate expires", "证书到期"),
		"_error":        tx("error", "错误"),
	},
	// LabelValue are evidence values that are words.
	labelValue: {
		"true":        tx("yes", "是"),
		"false":       tx("no", "否"),
		"tcp":         tx("TCP", "TCP"),
		"tls":         tx("TLS", "TLS"),
		"serial":      tx("serial", "串口"),
		"sim":         tx("simulator", "模拟器"),
		"zvt":         tx("ZVT", "ZVT"),
		"chip":        tx("chip", "芯片"),
		"magstripe":   tx("magnetic stripe", "磁条"),
		"contactless": tx("contactless", "非接触"),
	},
}

// EvidenceLabel is the label of an evidence key: its own, or the host's
// name and the label of its suffix for a network probe.
func EvidenceLabel(key string, l model.Lang) string {
	if t, ok := labels[labelEvidence][key]; ok {
		return t.In(l)
	}
	for suf, t := range labels[labelEvidenceSuffix] {
		if host, ok := strings.CutSuffix(key, suf); ok {
			return strings.TrimPrefix(host, "acquirer_") + " " + t.In(l)
		}
	}
	return key
}

// EvidenceValue is an evidence value as a reader reads it: states and yes/no
// by their labels, a status code or result code with its text from the
// knowledge base; anything else (numbers, ids, versions) as it is.
func EvidenceValue(key, value string, l model.Lang) string {
	switch key {
	case string(model.FactDeviceState):
		return Label(model.KindDeviceState, value, l)
	case "resolution":
		return Label(model.KindPayment, value, l)
	case string(model.FactStatusCode), "registration_status":
		return codeValue(model.SchemeZVTStatus, value, l)
	case string(model.FactZVTResult):
		return codeValue(model.SchemeZVT, value, l)
	case string(model.FactHostCode):
		return codeValue(model.SchemeUnionPay, value, l)
	}
	if t, ok := labels[labelValue][value]; ok {
		return t.In(l)
	}
	return value
}

// codeValue is "51 需要初始化": a code and what the knowledge base says it shows.
func codeValue(s model.Scheme, value string, l model.Lang) string {
	if info, ok := model.LookupCode(s, value); ok {
		if d := info.Display.In(l); d != "" {
			return value + " " + d
		}
	}
	return value
}

// kbDisplay is what the knowledge base says code value of scheme s shows,
// in Chinese: a terminal sends its texts in English (or German), a zh
// reader reads the knowledge base's. fallback when the code is not known.
func kbDisplay(s model.Scheme, value, fallback string) string {
	if strings.ContainsFunc(fallback, func(r rune) bool { return unicode.Is(unicode.Han, r) }) {
		return fallback // the terminal speaks Chinese already
	}
	if info, ok := model.LookupCode(s, value); ok && info.Display.Zh != "" {
		return info.Display.Zh
	}
	return fallback
}
