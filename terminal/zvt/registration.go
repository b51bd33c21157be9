package zvt

import "encoding/json"

// Config byte bits of the Registration (research/zvt.md §3).
const (
	ConfigECRPrintsPayment   byte = 0x02 // the ECR prints payment receipts
	ConfigECRPrintsAdmin     byte = 0x04 // the ECR prints administration receipts
	ConfigIntermediateStatus byte = 0x08 // the PT sends 04 FF intermediate status
	ConfigNoAmountAtPT       byte = 0x10 // amount entry at the PT not allowed
	ConfigNoAdminAtPT        byte = 0x20 // administration at the PT not allowed
	ConfigECRPrintType       byte = 0x80 // the PT sends 06 D1 print lines
)

// Registration (06 00, ECR → PT) opens a session:
//
//	<password 3 BCD> <config byte> [<currency 2 BCD, no tag> [03 <service byte>] [06 <TLV>]]
//
// Send TLV support (an empty BMP 06) so the PT may send TLV (research/zvt.md §2.3).
type Registration struct {
	Password string // 6 digits
	Config   byte   // Config* bits
	Currency int    // ISO 4217 number, 978 EUR; 0 with no Fields leaves it out
	Fields   Fields // BMPs after the currency: 03 service byte, 06 TLV
}

// ECR marks Registration as a message the ECR sends.
func (*Registration) ECR() {}

// Command returns the command Registration is sent with.
func (*Registration) Command() Command { return CmdRegistration }
func (*Registration) typeName() string { return "registration" }

// Decode reads a Registration APDU.
func (m *Registration) Decode(apdu []byte) error { return m.decodeIn(apdu, nil) }

func (m *Registration) decodeIn(apdu []byte, mem *decodeMem) error {
	*m = Registration{}
	r, _, err := openAPDU(apdu, CmdRegistration)
	if err != nil {
		return err
	}
	m.Password = r.password()
	m.Config = r.u8("config byte")
	if r.more() {
		cc := r.bcd("currency", 2)
		m.Currency = atoiDigits(cc)
		m.Fields = r.fields(mem)
	}
	return r.done(CmdRegistration)
}

// Encode appends the Registration APDU to dst.
func (m *Registration) Encode(dst []byte) ([]byte, error) {
	dst, start := beginAPDU(dst, CmdRegistration)
	var err error
	if dst, err = appendPassword(dst, m.Password); err != nil {
		return dst[:start], &EncodeError{Msg: msgName(CmdRegistration), Field: "password", Err: err}
	}
	dst = append(dst, m.Config)
	if m.Currency != 0 || len(m.Fields.List) > 0 || len(m.Fields.Rest) > 0 {
		if m.Currency < 0 {
			return dst[:start], &EncodeError{Msg: msgName(CmdRegistration), Field: "currency", Err: ErrBCD}
		}
		if dst, err = appendBCDUint(dst, uint64(m.Currency), 2); err != nil {
			return dst[:start], &EncodeError{Msg: msgName(CmdRegistration), Field: "currency", Err: err}
		}
		if dst, err = m.Fields.append(dst); err != nil {
			return dst[:start], withEncodeMsg(err, CmdRegistration)
		}
	}
	return finishAPDU(dst, start)
}

func (m *Registration) items(v *viewer) []Item {
	out := []Item{v.password(m.Password), v.byteItem("config_byte", m.Config, configText(m.Config))}
	if m.Currency != 0 || len(m.Fields.List) > 0 {
		out = append(out, Item{Name: "currency", Value: m.Currency})
	}
	return append(out, v.fields(m.Fields)...)
}

// MarshalJSON writes the message as decoded fields with a "type" key.
func (m *Registration) MarshalJSON() ([]byte, error) { return marshalMessage(m) }

func configText(c byte) string {
	var s []string
	for _, b := range []struct {
		bit  byte
		name string
	}{
		{ConfigECRPrintsPayment, "ecr prints payment receipts"},
		{ConfigECRPrintsAdmin, "ecr prints admin receipts"},
		{ConfigIntermediateStatus, "intermediate status"},
		{ConfigNoAmountAtPT, "no amount entry at PT"},
		{ConfigNoAdminAtPT, "no admin at PT"},
		{ConfigECRPrintType, "PT sends print lines"},
	} {
		if c&b.bit != 0 {
			s = append(s, b.name)
		}
	}
	return joinComma(s)
}

// LogOff (06 02, ECR → PT) ends the session; it has no data and no
// Completion.
type LogOff struct{}

// ECR marks LogOff as a message the ECR sends.
func (*LogOff) ECR() {}

// Command returns the command LogOff is sent with.
func (*LogOff) Command() Command { return CmdLogOff }
func (*LogOff) typeName() string { return "log_off" }

// Decode reads a Log-Off APDU (06 02 00).
func (m *LogOff) Decode(apdu []byte) error {
	r, a, err := openAPDU(apdu, CmdLogOff)
	if err != nil {
		return err
	}
	if len(a.Data) != 0 {
		return &DecodeError{Msg: msgName(CmdLogOff), Field: "data", Offset: r.off, Err: ErrLength}
	}
	return nil
}

// Encode appends 06 02 00.
func (m *LogOff) Encode(dst []byte) ([]byte, error) { return append(dst, 0x06, 0x02, 0x00), nil }

func (m *LogOff) items(*viewer) []Item { return nil }

// MarshalJSON writes the message with a "type" key.
func (m *LogOff) MarshalJSON() ([]byte, error) { return marshalMessage(m) }

var _ json.Marshaler = (*LogOff)(nil)

func atoiDigits(s string) int {
	v := 0
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return 0
		}
		v = v*10 + int(s[i]-'0')
	}
	return v
}
