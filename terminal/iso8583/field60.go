package iso8583

// subSpec is one positional sub-field of a BCD field: name, title and digit
// count.
type subSpec struct {
	name   string
	title  Text
	digits int
}

// field60Subs are field 60's sub-fields, read positionally; trailing ones
// may be left out (research/iso8583.md §2.1: S1 tranproc.c SetCommField60,
// S2, S5, S16a).
var field60Subs = []subSpec{
	{"transaction_type", Text{"交易类型码", "Transaction type code"}, 2},
	{"batch_no", Text{"批次号", "Batch number"}, 6},
	{"network_code", Text{"网络管理信息码", "Network management code"}, 3},
	{"read_capability", Text{"终端读取能力", "Terminal read capability"}, 1},
	{"ic_condition", Text{"IC卡条件代码", "IC card condition code"}, 1},
	{"partial_approval", Text{"支持部分扣款和返回余额标志", "Partial approval and balance flag"}, 1},
	{"account_type", Text{"账户类型", "Account type"}, 3},
}

// field61Subs are field 61's sub-fields (research/iso8583.md §2.2: S1, S16j).
var field61Subs = []subSpec{
	{"original_batch_no", Text{"原批次号", "Original batch number"}, 6},
	{"original_stan", Text{"原POS流水号", "Original trace number"}, 6},
	{"original_date", Text{"原交易日期", "Original date (MMDD)"}, 4},
	{"original_auth_method", Text{"原交易授权方式", "Original authorization method"}, 2},
	{"original_auth_institution", Text{"原授权机构代码", "Original authorizing institution"}, 11},
}

// SubField is one sub-field's value.
type SubField struct {
	Name  string `json:"name"`
	Title Text   `json:"title"`
	Value string `json:"value"`
	// Meaning names the value when the profile names it (60.1, 60.3, 60.4,
	// 60.5).
	Meaning *Text `json:"meaning,omitempty"`
}

// SubFields is a field's sub-fields in order.
type SubFields []SubField

// Get returns the value of the named sub-field, or "".
func (s SubFields) Get(name string) string {
	for _, f := range s {
		if f.Name == name {
			return f.Value
		}
	}
	return ""
}

// readCapabilities name 60.4, icConditions 60.5 (research/iso8583.md §2.1).
var (
	readCapabilities = map[string]Text{
		"0": {"未知", "unknown"}, "2": {"仅磁条", "magstripe only"},
		"5": {"接触式IC卡", "contact IC"}, "6": {"非接触式IC卡", "contactless"},
	}
	icConditions = map[string]Text{
		"0": {"未使用", "not used"}, "1": {"上笔非IC卡交易或IC卡交易成功", "previous transaction not IC, or IC succeeded"},
		"2": {"上笔IC卡交易失败（降级）", "previous IC transaction failed (fallback)"},
	}
	subMeanings = map[string]map[string]Text{
		"transaction_type": transactionTypes,
		"network_code":     networkCodes,
		"read_capability":  readCapabilities,
		"ic_condition":     icConditions,
	}
)

// splitDigits cuts digits into the sub-fields of specs, positionally,
// stopping where the digits end.
func splitDigits(digits string, specs []subSpec) SubFields {
	var out SubFields
	off := 0
	for _, s := range specs {
		if off >= len(digits) {
			break
		}
		end := min(off+s.digits, len(digits))
		sf := SubField{Name: s.name, Title: s.title, Value: digits[off:end]}
		if t, ok := subMeanings[s.name][sf.Value]; ok {
			sf.Meaning = &t
		}
		out = append(out, sf)
		off = end
	}
	return out
}

// Field60 returns field 60's sub-fields (nil when absent).
func (m *Message) Field60() SubFields {
	if !m.Has(60) {
		return nil
	}
	return splitDigits(m.Digits(60), field60Subs)
}

// Field61 returns field 61's sub-fields (nil when absent).
func (m *Message) Field61() SubFields {
	if !m.Has(61) {
		return nil
	}
	return splitDigits(m.Digits(61), field61Subs)
}
