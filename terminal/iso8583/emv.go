package iso8583

// EMV data objects as field 55 carries them (research/iso8583.md §4.1: S1
// emvtranproc.c tag lists; names from EMV 4.4 Book 3 Annex A as quoted in
// openemv/emv-utils src/emv_tags.h, S14; Chinese names as PBOC 3.0 / JR/T
// 0025 use them).

// emvTags names the tags the terminal sends and the host answers with.
var emvTags = map[string]Text{
	"4F":   {"应用标识符", "Application identifier (AID)"},
	"50":   {"应用标签", "Application label"},
	"57":   {"二磁道等效数据", "Track 2 equivalent data"},
	"5A":   {"应用主账号", "Application PAN"},
	"5F24": {"应用失效日期", "Application expiration date"},
	"5F2A": {"交易货币代码", "Transaction currency code"},
	"5F34": {"应用主账号序列号", "PAN sequence number"},
	"71":   {"发卡行脚本模板1", "Issuer script template 1"},
	"72":   {"发卡行脚本模板2", "Issuer script template 2"},
	"82":   {"应用交互特征", "Application interchange profile"},
	"84":   {"专用文件名称", "Dedicated file name"},
	"86":   {"发卡行脚本命令", "Issuer script command"},
	"8A":   {"授权响应码", "Authorisation response code"},
	"91":   {"发卡行认证数据", "Issuer authentication data"},
	"95":   {"终端验证结果", "Terminal verification results (TVR)"},
	"9A":   {"交易日期", "Transaction date"},
	"9B":   {"交易状态信息", "Transaction status information (TSI)"},
	"9C":   {"交易类型", "Transaction type"},
	"9F02": {"授权金额", "Amount, authorised"},
	"9F03": {"其他金额", "Amount, other"},
	"9F06": {"应用标识符（终端）", "Application identifier (terminal)"},
	"9F09": {"应用版本号", "Application version number"},
	"9F10": {"发卡行应用数据", "Issuer application data"},
	"9F18": {"发卡行脚本标识", "Issuer script identifier"},
	"9F1A": {"终端国家代码", "Terminal country code"},
	"9F1E": {"接口设备序列号", "Interface device serial number"},
	"9F21": {"交易时间", "Transaction time"},
	"9F22": {"认证中心公钥索引", "CA public key index"},
	"9F26": {"应用密文", "Application cryptogram"},
	"9F27": {"密文信息数据", "Cryptogram information data"},
	"9F33": {"终端性能", "Terminal capabilities"},
	"9F34": {"持卡人验证方法结果", "CVM results"},
	"9F35": {"终端类型", "Terminal type"},
	"9F36": {"应用交易计数器", "Application transaction counter"},
	"9F37": {"不可预知数", "Unpredictable number"},
	"9F41": {"交易序列计数器", "Transaction sequence counter"},
	"9F63": {"卡产品标识信息", "Card product identification"},
	"9F74": {"电子现金发卡行授权码", "E-cash issuer authorisation code"},
	"DF31": {"发卡行脚本结果", "Issuer script results"},
}

// TagName returns the name of an EMV tag (hex) in both languages, or empty.
func TagName(tag string) Text { return emvTags[tag] }

// emvSecret are tags that hold card data, masked like fields 2 and 35: 5A
// the PAN, 56/57/9F6B track data, 9F1F/9F20 discretionary track data.
var emvSecret = map[string]bool{"56": true, "57": true, "9F1F": true, "9F20": true, "9F6B": true}

// bitName names one bit of a bit-coded EMV object.
type bitName struct {
	byteNo, bit int // byte 1.., bit 8 (MSB) .. 1
	text        Text
}

// tvrBits names the TVR (tag 95) bits: EMV 4.4 Book 3 Annex C5 as quoted in
// S14 openemv/emv-utils src/emv_fields.h, cross-checked with S15 O2Xfs
// TVRByte1–5 (research/iso8583.md §4.2). Bits not listed are RFU.
var tvrBits = []bitName{
	{1, 8, Text{"未进行脱机数据认证", "Offline data authentication was not performed"}},
	{1, 7, Text{"静态数据认证（SDA）失败", "SDA failed"}},
	{1, 6, Text{"IC卡数据缺失", "ICC data missing"}},
	{1, 5, Text{"卡片出现在终端异常文件中", "Card appears on terminal exception file"}},
	{1, 4, Text{"动态数据认证（DDA）失败", "DDA failed"}},
	{1, 3, Text{"复合动态数据认证（CDA）失败", "CDA failed"}},
	{1, 2, Text{"已选择 SDA", "SDA selected"}},
	{1, 1, Text{"已选择 XDA", "XDA selected"}},
	{2, 8, Text{"IC卡和终端应用版本不一致", "ICC and terminal have different application versions"}},
	{2, 7, Text{"应用已过期", "Expired application"}},
	{2, 6, Text{"应用尚未生效", "Application not yet effective"}},
	{2, 5, Text{"卡产品不允许所请求的服务", "Requested service not allowed for card product"}},
	{2, 4, Text{"新卡", "New card"}},
	{2, 2, Text{"生物特征验证成功", "Biometric performed and successful"}},
	{2, 1, Text{"生物特征模板格式不支持", "Biometric template format not supported"}},
	{3, 8, Text{"持卡人验证未成功", "Cardholder verification was not successful"}},
	{3, 7, Text{"未知的持卡人验证方法", "Unrecognised CVM"}},
	{3, 6, Text{"PIN 重试次数超限", "PIN try limit exceeded"}},
	{3, 5, Text{"要求输入 PIN，但密码键盘不存在或不工作", "PIN entry required, PIN pad not present or not working"}},
	{3, 4, Text{"要求输入 PIN，密码键盘存在，但未输入 PIN", "PIN entry required, PIN pad present, but PIN was not entered"}},
	{3, 3, Text{"已输入联机 PIN", "Online PIN entered"}},
	{3, 2, Text{"生物特征采集设备不工作", "Biometric capture device not working"}},
	{3, 1, Text{"生物特征子类型输入被跳过", "Biometric subtype entry bypassed"}},
	{4, 8, Text{"交易超过最低限额", "Transaction exceeds floor limit"}},
	{4, 7, Text{"超过连续脱机交易下限", "Lower consecutive offline limit exceeded"}},
	{4, 6, Text{"超过连续脱机交易上限", "Upper consecutive offline limit exceeded"}},
	{4, 5, Text{"交易被随机选择联机处理", "Transaction selected randomly for online processing"}},
	{4, 4, Text{"商户要求联机交易", "Merchant forced transaction online"}},
	{4, 3, Text{"生物特征重试次数超限", "Biometric try limit exceeded"}},
	{4, 2, Text{"所选生物特征类型不支持", "A selected biometric type not supported"}},
	{4, 1, Text{"XDA 签名验证失败", "XDA signature verification failed"}},
	{5, 8, Text{"使用了缺省 TDOL", "Default TDOL used"}},
	{5, 7, Text{"发卡行认证失败", "Issuer authentication failed"}},
	{5, 6, Text{"最后一次 GENERATE AC 之前脚本处理失败", "Script processing failed before final GENERATE AC"}},
	{5, 5, Text{"最后一次 GENERATE AC 之后脚本处理失败", "Script processing failed after final GENERATE AC"}},
	{5, 3, Text{"认证中心 ECC 公钥缺失", "CA ECC key missing"}},
	{5, 2, Text{"ECC 公钥恢复失败", "ECC key recovery failed"}},
}

// tsiBits names the TSI (tag 9B) bits: EMV 4.4 Book 3 Annex C6 (S14,
// research/iso8583.md §4.3). Byte 2 is RFU.
var tsiBits = []bitName{
	{1, 8, Text{"已进行脱机数据认证", "Offline data authentication was performed"}},
	{1, 7, Text{"已进行持卡人验证", "Cardholder verification was performed"}},
	{1, 6, Text{"已进行卡片风险管理", "Card risk management was performed"}},
	{1, 5, Text{"已进行发卡行认证", "Issuer authentication was performed"}},
	{1, 4, Text{"已进行终端风险管理", "Terminal risk management was performed"}},
	{1, 3, Text{"已进行脚本处理", "Script processing was performed"}},
}

// bitTables are the bit-coded tags DecodeBits knows.
var bitTables = map[string][]bitName{"95": tvrBits, "9B": tsiBits}

// Bit is one set bit of a TVR or TSI, named.
type Bit struct {
	Byte int  `json:"byte"`
	Bit  int  `json:"bit"`
	Text Text `json:"text"`
}

// DecodeBits names the set bits of a TVR (tag "95") or TSI ("9B") value, in
// byte order then from bit 8 down. Set bits that are RFU are named so.
func DecodeBits(tag string, v []byte) []Bit {
	table, ok := bitTables[tag]
	if !ok {
		return nil
	}
	var out []Bit
	for i, c := range v {
		for bit := 8; bit >= 1; bit-- {
			if c&(1<<(bit-1)) == 0 {
				continue
			}
			b := Bit{Byte: i + 1, Bit: bit, Text: Text{"保留位（RFU）", "RFU bit"}}
			for _, n := range table {
				if n.byteNo == i+1 && n.bit == bit {
					b.Text = n.text
					break
				}
			}
			out = append(out, b)
		}
	}
	return out
}

// cryptogramTypes name 9F27's top two bits (EMV Book 3 §C7, S14).
var cryptogramTypes = map[byte]Text{
	0x00: {"AAC（脱机拒绝）", "AAC (declined offline)"},
	0x40: {"TC（脱机批准）", "TC (approved offline)"},
	0x80: {"ARQC（请求联机授权）", "ARQC (online authorisation requested)"},
}

// cvmMethods name 9F34 byte 1 & 3F, cvmOutcomes byte 3 (EMV Book 3 §C3, S14).
var (
	cvmMethods = map[byte]Text{
		0x01: {"脱机明文 PIN", "offline plaintext PIN"}, 0x02: {"联机加密 PIN", "online enciphered PIN"},
		0x1E: {"签名", "signature"}, 0x1F: {"无需持卡人验证", "no CVM required"}, 0x3F: {"未进行持卡人验证", "no CVM performed"},
	}
	cvmOutcomes = map[byte]Text{0x00: {"结果未知", "result unknown"}, 0x01: {"失败", "failed"}, 0x02: {"成功", "successful"}}
)

// tagMeaning names the value of 9F27 and 9F34 ("" when not named).
func tagMeaning(tag string, v []byte) *Text {
	switch {
	case tag == "9F27" && len(v) == 1:
		if t, ok := cryptogramTypes[v[0]&0xC0]; ok {
			return &t
		}
	case tag == "9F34" && len(v) == 3:
		m, mok := cvmMethods[v[0]&0x3F]
		o, ook := cvmOutcomes[v[2]]
		if mok && ook {
			return &Text{m.Zh + "，" + o.Zh, m.En + ", " + o.En}
		}
	}
	return nil
}
