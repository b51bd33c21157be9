package zvt

// AbortPT (06 1E, PT → ECR) ends a command that failed and hands master
// rights back: <result code> [BMPs, e.g. 87 receipt, 06 TLV 1F16/1F17]
// (research/zvt.md §5 V10). NoCode marks the rare 06 1E 00 without a code.
type AbortPT struct {
	ResultCode byte // ResultCodeText(ResultCode)
	NoCode     bool
	Fields     Fields
}

// PT marks AbortPT as a message the PT sends.
func (*AbortPT) PT() {}

// Command returns the command AbortPT is sent with.
func (*AbortPT) Command() Command { return CmdAbortPT }
func (*AbortPT) typeName() string { return "abort" }

// Decode reads a PT Abort APDU.
func (m *AbortPT) Decode(apdu []byte) error { return m.decodeIn(apdu, nil) }

func (m *AbortPT) decodeIn(apdu []byte, mem *decodeMem) error {
	*m = AbortPT{}
	r, _, err := openAPDU(apdu, CmdAbortPT)
	if err != nil {
		return err
	}
	if !r.more() {
		m.NoCode = true
		return nil
	}
	m.ResultCode = r.u8("result code")
	m.Fields = r.fields(mem)
	return r.done(CmdAbortPT)
}

// Encode appends the PT Abort APDU to dst.
func (m *AbortPT) Encode(dst []byte) ([]byte, error) {
	dst, start := beginAPDU(dst, CmdAbortPT)
	if !m.NoCode || len(m.Fields.List) > 0 || len(m.Fields.Rest) > 0 {
		dst = append(dst, m.ResultCode)
	}
	var err error
	if dst, err = m.Fields.append(dst); err != nil {
		return dst[:start], withEncodeMsg(err, CmdAbortPT)
	}
	return finishAPDU(dst, start)
}

func (m *AbortPT) items(v *viewer) []Item {
	var out []Item
	if !m.NoCode {
		out = append(out, v.byteItem("result_code", m.ResultCode, ResultCodeText(m.ResultCode)))
	}
	return append(out, v.fields(m.Fields)...)
}

// MarshalJSON writes the message as decoded fields with a "type" key.
func (m *AbortPT) MarshalJSON() ([]byte, error) { return marshalMessage(m) }

// AbortECR (06 B0, ECR → PT) stops what the PT is doing; allowed while the
// ECR is master or while a command allows it (Read Card). Optional BMPs: D2
// card output direction, FA reader activation.
type AbortECR struct {
	Fields Fields
}

// ECR marks AbortECR as a message the ECR sends.
func (*AbortECR) ECR() {}

// Command returns the command AbortECR is sent with.
func (*AbortECR) Command() Command { return CmdAbortECR }
func (*AbortECR) typeName() string { return "abort_ecr" }

// Decode reads an ECR Abort APDU.
func (m *AbortECR) Decode(apdu []byte) error { return m.decodeIn(apdu, nil) }

func (m *AbortECR) decodeIn(apdu []byte, mem *decodeMem) error {
	*m = AbortECR{}
	var err error
	m.Fields, err = decodeFieldsOnly(apdu, CmdAbortECR, mem)
	return err
}

// Encode appends the ECR Abort APDU to dst.
func (m *AbortECR) Encode(dst []byte) ([]byte, error) {
	return encodeFieldsOnly(dst, CmdAbortECR, m.Fields)
}

func (m *AbortECR) items(v *viewer) []Item { return v.fields(m.Fields) }

// MarshalJSON writes the message as decoded fields with a "type" key.
func (m *AbortECR) MarshalJSON() ([]byte, error) { return marshalMessage(m) }
