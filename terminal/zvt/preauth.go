package zvt

// The pre-authorisation family (spec 13.08 §2.8–2.11, research/zvt.md §3;
// EV chargers run it: EVerest/zvt zvt/data, Feig cVEND). Each is a list of
// BMPs with no password, as the captures show:
//
//	Pre-Authorisation 06 22:          [04 <amount>] [49 <currency>] [19 <payment type>] [0E/22/23 card] [01 <timeout>] [06 TLV]
//	Partial Reversal 06 23:           87 <receipt no. of the pre-auth> [04 <amount to book>] [19] [49] [06 TLV E9{1F62, 1F63}]
//	Pre-Authorisation Reversal 06 25: [19 <payment type>] [49 <currency>] 87 <receipt no.>
//
// Receipt number FF FF in a Partial Reversal asks for the list of open
// pre-authorisations (spec §2.10.1); it shows as hex.

// PreAuth is Pre-Authorisation 06 22 (ECR → PT).
type PreAuth struct{ Fields Fields }

// PartialReversal is Partial Reversal 06 23 (ECR → PT): it books part of a
// pre-authorised amount and releases the rest.
type PartialReversal struct{ Fields Fields }

// PreAuthReversal is Pre-Authorisation Reversal 06 25 (ECR → PT).
type PreAuthReversal struct{ Fields Fields }

// ECR marks PreAuth as a message the ECR sends.
func (*PreAuth) ECR() {}

// ECR marks PartialReversal as a message the ECR sends.
func (*PartialReversal) ECR() {}

// ECR marks PreAuthReversal as a message the ECR sends.
func (*PreAuthReversal) ECR() {}

// Command returns 06 22.
func (*PreAuth) Command() Command { return CmdPreAuth }

// Command returns 06 23.
func (*PartialReversal) Command() Command { return CmdPartialReversal }

// Command returns 06 25.
func (*PreAuthReversal) Command() Command { return CmdPreAuthReversal }

func (*PreAuth) typeName() string         { return "pre_authorisation" }
func (*PartialReversal) typeName() string { return "partial_reversal" }
func (*PreAuthReversal) typeName() string { return "pre_authorisation_reversal" }

// Decode reads the APDU.
func (m *PreAuth) Decode(apdu []byte) error { return m.decodeIn(apdu, nil) }

func (m *PreAuth) decodeIn(apdu []byte, mem *decodeMem) (err error) {
	*m = PreAuth{}
	m.Fields, err = decodeFieldsOnly(apdu, CmdPreAuth, mem)
	return err
}

// Decode reads the APDU.
func (m *PartialReversal) Decode(apdu []byte) error { return m.decodeIn(apdu, nil) }

func (m *PartialReversal) decodeIn(apdu []byte, mem *decodeMem) (err error) {
	*m = PartialReversal{}
	m.Fields, err = decodeFieldsOnly(apdu, CmdPartialReversal, mem)
	return err
}

// Decode reads the APDU.
func (m *PreAuthReversal) Decode(apdu []byte) error { return m.decodeIn(apdu, nil) }

func (m *PreAuthReversal) decodeIn(apdu []byte, mem *decodeMem) (err error) {
	*m = PreAuthReversal{}
	m.Fields, err = decodeFieldsOnly(apdu, CmdPreAuthReversal, mem)
	return err
}

// Encode appends the APDU to dst.
func (m *PreAuth) Encode(dst []byte) ([]byte, error) {
	return encodeFieldsOnly(dst, CmdPreAuth, m.Fields)
}

// Encode appends the APDU to dst.
func (m *PartialReversal) Encode(dst []byte) ([]byte, error) {
	return encodeFieldsOnly(dst, CmdPartialReversal, m.Fields)
}

// Encode appends the APDU to dst.
func (m *PreAuthReversal) Encode(dst []byte) ([]byte, error) {
	return encodeFieldsOnly(dst, CmdPreAuthReversal, m.Fields)
}

func (m *PreAuth) items(v *viewer) []Item         { return v.fields(m.Fields) }
func (m *PartialReversal) items(v *viewer) []Item { return v.fields(m.Fields) }
func (m *PreAuthReversal) items(v *viewer) []Item { return v.fields(m.Fields) }

// MarshalJSON writes the message as decoded fields with a "type" key.
func (m *PreAuth) MarshalJSON() ([]byte, error) { return marshalMessage(m) }

// MarshalJSON writes the message as decoded fields with a "type" key.
func (m *PartialReversal) MarshalJSON() ([]byte, error) { return marshalMessage(m) }

// MarshalJSON writes the message as decoded fields with a "type" key.
func (m *PreAuthReversal) MarshalJSON() ([]byte, error) { return marshalMessage(m) }
