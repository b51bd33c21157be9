package zvt

// StatusInfo (04 0F, PT → ECR) is the result of a transaction as BMPs: 27
// result code, 04 amount, 0B trace, 0C/0D time and date, 22 PAN (masked),
// 0E expiry, 87 receipt, 29 TID, 8A card type, 8B card name, 06 TLV, …
// (research/zvt.md §5 V7). The ECR must answer it with 80 00 00, or the PT
// reverses the payment (§2.6).
type StatusInfo struct {
	Fields Fields
}

// PT marks StatusInfo as a message the PT sends.
func (*StatusInfo) PT() {}

// Command returns the command StatusInfo is sent with.
func (*StatusInfo) Command() Command { return CmdStatusInfo }
func (*StatusInfo) typeName() string { return "status_info" }

// Decode reads a Status Information APDU.
func (m *StatusInfo) Decode(apdu []byte) error { return m.decodeIn(apdu, nil) }

func (m *StatusInfo) decodeIn(apdu []byte, mem *decodeMem) error {
	*m = StatusInfo{}
	var err error
	m.Fields, err = decodeFieldsOnly(apdu, CmdStatusInfo, mem)
	return err
}

// Encode appends the Status Information APDU to dst.
func (m *StatusInfo) Encode(dst []byte) ([]byte, error) {
	return encodeFieldsOnly(dst, CmdStatusInfo, m.Fields)
}

func (m *StatusInfo) items(v *viewer) []Item { return v.fields(m.Fields) }

// MarshalJSON writes the message as decoded fields with a "type" key; the
// PAN is masked and track data left out.
func (m *StatusInfo) MarshalJSON() ([]byte, error) { return marshalMessage(m) }
