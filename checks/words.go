package checks

import "github.com/posdoctor/posdoctor/model"

// The words around the values in check's text output and in the reports:
// headings, line formats, column names. Each is one text in both languages;
// a zh format takes the same arguments as its en one. Values (statuses,
// actors, states) are labels ([Label]), not words of this file.

// wordIn is w in l.
func wordIn(w model.Text, l model.Lang) string { return w.In(l) }

// check's text output.
var (
	wTID          = tx(" TID ", " 终端号 ")
	wCouldNotRun  = tx("%s %s: could not run: %s", "%s %s：%s")
	wSummary      = tx("%s %s: %s", "%s %s：%s")
	wComma        = tx(", ", "，")
	wParen        = tx(" (%s)", "（%s）")
	wRecovered    = tx("  recovered: %s: %s\n", "  已处理的测试交易：%s：%s\n")
	wJournalLine  = tx("Journal: %s\n", "会话日志：%s\n")
	wSymptomLine  = tx("Symptom: %s\n", "症状：%s\n")
	wLikelyCauses = tx("Likely causes:", "可能原因：")
	wCauseLine    = tx("  %d. %s%s [%s] (%s, score %d)\n", "  %d. %s%s［%s］（%s，得分 %d）\n")
	wFirstSteps   = tx("First steps:", "首要步骤：")
	wStepLine     = tx("  %d. [%s] %s%s\n", "  %d. 【%s】%s%s\n")
	wFraudTag     = tx("[FRAUD]", "【风险】")
)

// The reports (md and html).
var (
	wReportTitle   = tx("posdoctor report", "posdoctor 报告")
	wSession       = tx("Session", "会话")
	wStarted       = tx("Started", "开始")
	wEnded         = tx("Ended", "结束")
	wTorn          = tx("The journal's last line was cut short (the session ended abruptly).", "会话日志的最后一行不完整（会话异常结束）。")
	wTerminal      = tx("Terminal", "终端")
	wNoConnection  = tx("no connection (symptom only)", "未连接终端（仅按症状）")
	wAnswer        = tx("In short", "结论")
	wVerdict       = tx("Verdict", "检查结论")
	wShowed        = tx("The terminal showed", "终端显示")
	wTopCause      = tx("Most likely cause", "最可能的原因")
	wWhatWasDone   = tx("What was done", "已采取的措施")
	wBeforeAfter   = tx("Before and after", "处理前后")
	wNothingDone   = tx("nothing yet", "尚未处理")
	wIdentity      = tx("Terminal identity", "终端信息")
	wModel         = tx("Model", "型号")
	wSerial        = tx("Serial number", "序列号")
	wSoftware      = tx("Software", "软件版本")
	wStatus        = tx("Status", "状态")
	wDeviceState   = tx("Device state", "设备状态")
	wTIDCol        = tx("TID", "终端号")
	wChecks        = tx("Checks", "检查结果")
	wCheck         = tx("Check", "检查项")
	wTime          = tx("Time", "用时")
	wSummaryCol    = tx("Summary", "结果")
	wEvidence      = tx("Evidence", "证据")
	wEvidenceOf    = tx("Evidence: %s", "证据：%s")
	wRuns          = tx("Runs of %s", "%s的复查记录")
	wRunLine       = tx("%s → %s", "%s → %s")
	wDiagnosis     = tx("Diagnosis", "诊断")
	wSymptom       = tx("Symptom", "症状")
	wQuery         = tx("What the operator entered", "操作员输入")
	wCauses        = tx("Causes, most likely first", "可能原因（按可能性排序）")
	wNoCause       = tx("No cause ranked.", "没有找到原因。")
	wScore         = tx("score %d", "得分 %d")
	wSteps         = tx("Steps", "处理步骤")
	wStep          = tx("Step", "步骤")
	wWho           = tx("Who", "由谁处理")
	wState         = tx("State", "状态")
	wNote          = tx("Note", "备注")
	wFixes         = tx("Fixes run on the terminal", "在终端上执行的修复")
	wFixOK         = tx("done", "完成")
	wFixFailed     = tx("failed: %s", "失败：%s")
	wVerified      = tx("verified by the %s check: %s", "复查%s：%s")
	wPayments      = tx("Test payments", "测试交易")
	wNotes         = tx("Notes", "备注")
	wErrors        = tx("Errors", "错误")
	wTrace         = tx("Protocol trace (excerpt, card data masked)", "协议报文（节选，卡号已屏蔽）")
	wSolved        = tx("solved: the verifying check passes", "已解决：复查通过")
	wStillOpen     = tx("not solved yet", "尚未解决")
	wCaseStatus    = tx("Case", "处理状态")
	wFraudCause    = tx("fraud", "风险")
	wReversedShort = tx("no money moved", "未产生扣款")
)
