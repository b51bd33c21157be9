package zvt

// Ack is the positive answer 80 00 (both directions). It may carry data: in
// practice BMPs such as 06 TLV (Feig, research/zvt.md §5 V14) or the
// MsgSeqId TLV 1F73.
type Ack struct {
	Fields Fields
}

// PT marks Ack as a message the PT sends.
func (*Ack) PT() {}

// ECR marks Ack as a message the ECR sends.
func (*Ack) ECR() {}

// Command returns the command Ack is sent with.
func (*Ack) Command() Command { return CmdAck }
func (*Ack) typeName() string { return "ack" }

// Decode reads an 80 00 APDU.
func (m *Ack) Decode(apdu []byte) error { return m.decodeIn(apdu, nil) }

func (m *Ack) decodeIn(apdu []byte, mem *decodeMem) error {
	*m = Ack{}
	var err error
	m.Fields, err = decodeFieldsOnly(apdu, CmdAck, mem)
	return err
}

// Encode appends the 80 00 APDU to dst (80 00 00 when there is no data).
func (m *Ack) Encode(dst []byte) ([]byte, error) { return encodeFieldsOnly(dst, CmdAck, m.Fields) }

func (m *Ack) items(v *viewer) []Item { return v.fields(m.Fields) }

// MarshalJSON writes the message as decoded fields with a "type" key.
func (m *Ack) MarshalJSON() ([]byte, error) { return marshalMessage(m) }

// Nack is the negative answer 84 xx: Code is the error (research/zvt.md
// §4.1; 84 83 00 "function not possible" answers an unknown command). 84 00
// is positive. Data is kept raw.
type Nack struct {
	Code byte
	Data []byte
}

// PT marks Nack as a message the PT sends.
func (*Nack) PT() {}

// ECR marks Nack as a message the ECR sends.
func (*Nack) ECR() {}

// Command returns the command Nack is sent with.
func (m *Nack) Command() Command { return CmdNack | Command(m.Code) }
func (*Nack) typeName() string   { return "nack" }

// Positive reports whether the answer is 84 00 (which the spec counts as
// positive).
func (m *Nack) Positive() bool { return m.Code == 0 }

// Decode reads an 84 xx APDU.
func (m *Nack) Decode(apdu []byte) error {
	*m = Nack{}
	r, a, err := openAPDU(apdu, CmdNack)
	if err != nil {
		return err
	}
	m.Code = a.Instr
	if len(a.Data) > 0 {
		m.Data = r.rest()
	}
	return nil
}

// Encode appends the 84 xx APDU to dst.
func (m *Nack) Encode(dst []byte) ([]byte, error) { return AppendAPDU(dst, 0x84, m.Code, m.Data) }

func (m *Nack) items(v *viewer) []Item {
	out := []Item{v.byteItem("code", m.Code, ResultCodeText(m.Code))}
	if len(m.Data) > 0 {
		out = append(out, Item{Name: "data", Hex: v.looseHex(m.Data)})
	}
	return out
}

// MarshalJSON writes the message with a "type" key.
func (m *Nack) MarshalJSON() ([]byte, error) { return marshalMessage(m) }

// RawAPDU is a message of a command this package does not know, kept byte
// for byte; Encode writes it back unchanged (apart from the length form).
type RawAPDU struct {
	Class, Instr byte
	Data         []byte
}

// PT marks RawAPDU as a message the PT sends.
func (*RawAPDU) PT() {}

// ECR marks RawAPDU as a message the ECR sends.
func (*RawAPDU) ECR() {}

// Command returns the command RawAPDU is sent with.
func (m *RawAPDU) Command() Command { return Command(uint16(m.Class)<<8 | uint16(m.Instr)) }
func (*RawAPDU) typeName() string   { return "raw" }

// Decode reads any one APDU.
func (m *RawAPDU) Decode(apdu []byte) error {
	*m = RawAPDU{}
	a, n, err := ReadAPDU(apdu)
	if err != nil {
		return withMsg(err, "apdu")
	}
	if n != len(apdu) {
		return &DecodeError{Msg: "apdu " + a.Command().Hex(), Field: "length", Offset: n, Err: ErrLength}
	}
	m.Class, m.Instr, m.Data = a.Class, a.Instr, a.Data
	return nil
}

// Encode appends the APDU to dst.
func (m *RawAPDU) Encode(dst []byte) ([]byte, error) {
	return AppendAPDU(dst, m.Class, m.Instr, m.Data)
}

func (m *RawAPDU) items(v *viewer) []Item {
	if len(m.Data) == 0 {
		return nil
	}
	return []Item{{Name: "data", Hex: v.looseHex(m.Data)}}
}

// MarshalJSON writes the message with a "type" key.
func (m *RawAPDU) MarshalJSON() ([]byte, error) { return marshalMessage(m) }
