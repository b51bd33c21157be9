package zvt

// Service byte bits of the Status Enquiry (research/zvt.md §3).
const (
	ServiceNoVersion byte = 0x02 // the PT leaves the software version out of the Completion
	ServiceSendTLV   byte = 0x04 // the PT sends TLV in the Completion
)

// StatusEnquiry (05 01, ECR → PT) asks for the terminal status:
//
//	[<password 3 BCD> [03 <service byte>] [06 <TLV: 1F72, 1F76, 1F78>]]
//
// Its Completion has its own shape; decode it with [DecodeStatusCompletion]
// and the service byte sent here (the F0/F6 trap, research/zvt.md §4.3).
type StatusEnquiry struct {
	Password string // 6 digits, or "" to send no data at all
	Fields   Fields
}

// ECR marks StatusEnquiry as a message the ECR sends.
func (*StatusEnquiry) ECR() {}

// Command returns the command StatusEnquiry is sent with.
func (*StatusEnquiry) Command() Command { return CmdStatusEnquiry }
func (*StatusEnquiry) typeName() string { return "status_enquiry" }

// Service returns the service byte sent (BMP 03), 0 when none.
func (m *StatusEnquiry) Service() byte { b, _ := m.Fields.ServiceByte(); return b }

// Decode reads a Status Enquiry APDU.
func (m *StatusEnquiry) Decode(apdu []byte) error { return m.decodeIn(apdu, nil) }

func (m *StatusEnquiry) decodeIn(apdu []byte, mem *decodeMem) error {
	*m = StatusEnquiry{}
	var err error
	m.Password, m.Fields, err = decodePwdFields(apdu, CmdStatusEnquiry, false, mem)
	return err
}

// Encode appends the Status Enquiry APDU to dst.
func (m *StatusEnquiry) Encode(dst []byte) ([]byte, error) {
	if m.Password == "" && (len(m.Fields.List) > 0 || len(m.Fields.Rest) > 0) {
		return dst, &EncodeError{Msg: msgName(CmdStatusEnquiry), Field: "password", Err: ErrFormat}
	}
	return encodePwdFields(dst, CmdStatusEnquiry, m.Password, false, m.Fields)
}

func (m *StatusEnquiry) items(v *viewer) []Item {
	var out []Item
	if m.Password != "" {
		out = append(out, v.password(m.Password))
	}
	return append(out, v.fields(m.Fields)...)
}

// MarshalJSON writes the message as decoded fields with a "type" key.
func (m *StatusEnquiry) MarshalJSON() ([]byte, error) { return marshalMessage(m) }
