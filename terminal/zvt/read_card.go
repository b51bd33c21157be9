package zvt

// ReadCard (06 C0, ECR → PT) asks for a card and returns its data in a
// 04 0F, with no Completion; the card stays in until an Abort 06 B0
// (research/zvt.md §3, §5 V11):
//
//	[<timeout 1 byte, seconds, 00 = none> [19 <card type>] [FC <dialog control>] [06 <TLV 1F15, 1F60, 1F6B>]]
type ReadCard struct {
	HasTimeout bool
	Timeout    byte // seconds; 0 waits forever
	Fields     Fields
}

// ECR marks ReadCard as a message the ECR sends.
func (*ReadCard) ECR() {}

// Command returns the command ReadCard is sent with.
func (*ReadCard) Command() Command { return CmdReadCard }
func (*ReadCard) typeName() string { return "read_card" }

// Decode reads a Read Card APDU.
func (m *ReadCard) Decode(apdu []byte) error { return m.decodeIn(apdu, nil) }

func (m *ReadCard) decodeIn(apdu []byte, mem *decodeMem) error {
	*m = ReadCard{}
	r, _, err := openAPDU(apdu, CmdReadCard)
	if err != nil {
		return err
	}
	if r.more() {
		m.HasTimeout = true
		m.Timeout = r.u8("timeout")
		m.Fields = r.fields(mem)
	}
	return r.done(CmdReadCard)
}

// Encode appends the Read Card APDU to dst.
func (m *ReadCard) Encode(dst []byte) ([]byte, error) {
	dst, start := beginAPDU(dst, CmdReadCard)
	if m.HasTimeout || len(m.Fields.List) > 0 || len(m.Fields.Rest) > 0 {
		dst = append(dst, m.Timeout)
		var err error
		if dst, err = m.Fields.append(dst); err != nil {
			return dst[:start], withEncodeMsg(err, CmdReadCard)
		}
	}
	return finishAPDU(dst, start)
}

func (m *ReadCard) items(v *viewer) []Item {
	var out []Item
	if m.HasTimeout {
		out = append(out, Item{Name: "timeout_seconds", Value: int(m.Timeout)})
	}
	return append(out, v.fields(m.Fields)...)
}

// MarshalJSON writes the message as decoded fields with a "type" key.
func (m *ReadCard) MarshalJSON() ([]byte, error) { return marshalMessage(m) }
