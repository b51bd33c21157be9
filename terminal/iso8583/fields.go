package iso8583

import "strconv"

// Text is a name or a meaning in both languages the console speaks. The
// Chinese names of fields are the specification's own (《中国银联POS终端消息域说明》).
type Text struct {
	Zh string `json:"zh"`
	En string `json:"en"`
}

// In returns the text in lang ("zh" or "en"), falling back to the other.
func (t Text) In(lang string) string {
	if lang == "zh" && t.Zh != "" || t.En == "" {
		return t.Zh
	}
	return t.En
}

// encoding is how a field's value is laid out on the wire
// (research/iso8583.md §1.5).
type encoding uint8

const (
	encN   encoding = iota // packed BCD digits
	encZ                   // packed BCD track data: '=' is the nibble D
	encANS                 // ASCII (or GBK) text, one byte a character
	encB                   // raw bytes
)

// prefix is the length prefix of a field.
type prefix uint8

const (
	fixed prefix = iota
	ll           // 1 byte BCD
	lll          // 2 bytes BCD, first nibble 0
)

// kind is how a field's value is shown.
type kind uint8

const (
	kindDigits    kind = iota // digits as they are
	kindAmount                // n12 in fen: 000000012345 = 123.45
	kindPAN                   // masked to first 6 / last 4
	kindTrack                 // track data: masked completely
	kindSecret                // PIN block: present and its length only
	kindMAC                   // MAC: present and its length only
	kindText                  // ASCII text
	kindCode                  // field 39, the response code
	kindHex                   // bytes as hex
	kindTLV                   // field 55, BER-TLV
	kindProc                  // field 3, processing code
	kindEntry                 // field 22, entry mode
	kindCondition             // field 25, condition code
	kindSecurity              // field 53
	kindF60                   // field 60, sub-fields
	kindF61                   // field 61, original data
	kindF62                   // field 62, key exchange in a sign-in answer
)

// fieldSpec is one row of the field table. For n and z fields size and max
// count digits; for ans and b fields, bytes.
type fieldSpec struct {
	name   string // snake_case, the JSON name
	title  Text
	enc    encoding
	prefix prefix
	size   int  // fixed fields: the size; LL/LLL: the maximum
	left   bool // fixed n: left-aligned (trailing pad nibble) instead of right
	kind   kind
	src    string // where the format comes from (research/iso8583.md sources, fixtures README)
}

// fields is the one field table of the CUP POS profile, fields 2–64
// (research/iso8583.md §2, cross-checked against jPOS cfg/packager/iso87binary.xml
// "J1"; where they disagree the fixtures README says so). A field that is
// not in it has no known length: decoding keeps it and the rest raw.
var fields = map[int]fieldSpec{
	2:  {"pan", Text{"主账号", "Primary account number"}, encN, ll, 19, false, kindPAN, "S1 st8583.c, S2 iso.c, S9; J1 IFB_LLNUM"},
	3:  {"processing_code", Text{"交易处理码", "Processing code"}, encN, fixed, 6, false, kindProc, "S1, S2, S8; J1 IFB_NUMERIC"},
	4:  {"amount", Text{"交易金额", "Transaction amount"}, encN, fixed, 12, false, kindAmount, "S1, S5; J1 IFB_NUMERIC"},
	11: {"stan", Text{"受卡方系统跟踪号", "System trace audit number (STAN)"}, encN, fixed, 6, false, kindDigits, "S1; J1 IFB_NUMERIC"},
	12: {"local_time", Text{"受卡方所在地时间", "Local time (hhmmss)"}, encN, fixed, 6, false, kindDigits, "S1, S2; J1 IFB_NUMERIC"},
	13: {"local_date", Text{"受卡方所在地日期", "Local date (MMDD)"}, encN, fixed, 4, false, kindDigits, "S1, S2; J1 IFB_NUMERIC"},
	14: {"expiry", Text{"卡有效期", "Card expiry (YYMM)"}, encN, fixed, 4, false, kindDigits, "S1, S5, V3; J1 IFB_NUMERIC"},
	15: {"settlement_date", Text{"清算日期", "Settlement date (MMDD)"}, encN, fixed, 4, false, kindDigits, "S1, V3; J1 IFB_NUMERIC"},
	22: {"entry_mode", Text{"服务点输入方式码", "POS entry mode"}, encN, fixed, 3, true, kindEntry, "S1 (CUP要求bit 22左对齐), S2, S3, S9; J1 right-aligns it"},
	23: {"card_sequence_no", Text{"卡片序列号", "Card sequence number"}, encN, fixed, 3, false, kindDigits, "S1, S2, S9, V2, V3; J1 IFB_NUMERIC"},
	25: {"condition_code", Text{"服务点条件码", "POS condition code"}, encN, fixed, 2, false, kindCondition, "S1, S8; J1 IFB_NUMERIC"},
	26: {"pin_capture_code", Text{"服务点PIN获取码", "PIN capture code"}, encN, fixed, 2, false, kindDigits, "S1, S16c; J1 IFB_NUMERIC"},
	32: {"acquirer_id", Text{"受理方标识码", "Acquiring institution ID"}, encN, ll, 11, false, kindDigits, "S1, S2, V1; J1 IFB_LLNUM"},
	35: {"track2", Text{"第二磁道数据", "Track 2 data"}, encZ, ll, 37, false, kindTrack, "S1, S2, S5; J1 IFB_LLNUM"},
	36: {"track3", Text{"第三磁道数据", "Track 3 data"}, encZ, lll, 104, false, kindTrack, "S1, S2, S4; J1 has IFB_LLLCHAR (ASCII)"},
	37: {"rrn", Text{"检索参考号", "Retrieval reference number"}, encANS, fixed, 12, false, kindText, "S1, S2; J1 IF_CHAR"},
	38: {"auth_code", Text{"授权标识应答码", "Authorization code"}, encANS, fixed, 6, false, kindText, "S1, S2; J1 IF_CHAR"},
	39: {"response_code", Text{"应答码", "Response code"}, encANS, fixed, 2, false, kindCode, "S1; J1 IF_CHAR"},
	41: {"tid", Text{"受卡机终端标识码", "Terminal ID"}, encANS, fixed, 8, false, kindText, "all sources; J1 IF_CHAR"},
	42: {"mid", Text{"受卡方标识码", "Merchant ID"}, encANS, fixed, 15, false, kindText, "all sources; J1 IF_CHAR"},
	43: {"merchant_name", Text{"受卡方名称地址", "Merchant name and location"}, encANS, fixed, 40, false, kindText, "S4, S16c; J1 IF_CHAR"},
	44: {"additional_response", Text{"附加响应数据", "Additional response data"}, encANS, ll, 25, false, kindText, "S1 trancomm.c, S2, V3; J1 IFB_LLCHAR"},
	48: {"additional_private", Text{"附加数据-私有", "Additional data (private)"}, encN, lll, 322, false, kindDigits, "S1, S2, S16c; J1 has IFB_LLLCHAR (ASCII)"},
	49: {"currency", Text{"交易货币代码", "Currency code"}, encANS, fixed, 3, false, kindText, "S1, S2, vectors; J1 IF_CHAR"},
	52: {"pin_data", Text{"个人标识码数据", "PIN block"}, encB, fixed, 8, false, kindSecret, "S1, S2; J1 IFB_BINARY"},
	53: {"security_control", Text{"安全控制信息", "Security control information"}, encN, fixed, 16, false, kindSecurity, "S1, S16a; J1 IFB_NUMERIC"},
	54: {"additional_amounts", Text{"附加金额", "Additional amounts (balance)"}, encANS, lll, 40, false, kindText, "S1 (max 20), S2 (40), S16c; J1 IFB_LLLCHAR 120"},
	55: {"icc_data", Text{"IC卡数据域", "ICC data (EMV)"}, encB, lll, 255, false, kindTLV, "S1, S2, V2, V3; J1 IFB_LLLCHAR 999"},
	57: {"private_57", Text{"自定义域", "Private data"}, encANS, lll, 999, false, kindText, "S2, V2; J1 IFB_LLLCHAR"},
	58: {"epurse_data", Text{"PBOC电子钱包交易信息", "E-purse data"}, encB, lll, 100, false, kindHex, "S1, S16c; J1 IFB_LLLCHAR"},
	59: {"terminal_info", Text{"自定义域（终端信息）", "Terminal information"}, encANS, lll, 600, false, kindText, "S2, S16c; J1 IFB_LLLCHAR"},
	60: {"private_60", Text{"自定义域", "Reserved private (transaction type, batch, network code)"}, encN, lll, 17, false, kindF60, "S1, S2, S5, S16c; J1 has IFB_LLLCHAR (ASCII)"},
	61: {"original_data", Text{"原始信息域", "Original transaction data"}, encN, lll, 29, false, kindF61, "S1, S2, S3, S16c; S4 and J1 type it ASCII"},
	62: {"private_62", Text{"自定义域", "Reserved private (keys in a sign-in answer)"}, encB, lll, 512, false, kindF62, "S1 (b...512), S3, S5; S2, S4 and J1 type it ASCII"},
	63: {"private_63", Text{"自定义域", "Reserved private (operator, card organisation)"}, encANS, lll, 163, false, kindText, "S1, S2, S16c; J1 IFB_LLLCHAR 999"},
	64: {"mac", Text{"报文鉴别码", "Message authentication code"}, encB, fixed, 8, false, kindMAC, "S1, S12; J1 IFB_BINARY"},
}

// FieldName returns the snake_case name of field n, or "field_n" when the
// profile does not define it.
func FieldName(n int) string {
	if s, ok := fields[n]; ok {
		return s.name
	}
	return "field_" + itoa(n)
}

// FieldTitle returns the name of field n in both languages (empty when the
// profile does not define it).
func FieldTitle(n int) Text { return fields[n].title }

// fieldLabel is the field part of errors: "field 39".
func fieldLabel(n int) string { return "field " + itoa(n) }

func itoa(n int) string { return strconv.Itoa(n) }
