package zvt

import (
	"fmt"
	"time"
)

// IntermediateStatus (04 FF, PT → ECR) tells the ECR what the PT is doing
// ("insert card"), and resets T4 (research/zvt.md §2.6, §4.4):
//
//	<status code> [<T4 minutes, 1 byte BCD> [06 <TLV: 24{07 lines}>]]
type IntermediateStatus struct {
	Code       byte // IntermediateText(Code)
	HasTimeout bool
	Timeout    int // new T4 in minutes (0–99), when HasTimeout
	Fields     Fields
}

// PT marks IntermediateStatus as a message the PT sends.
func (*IntermediateStatus) PT() {}

// Command returns the command IntermediateStatus is sent with.
func (*IntermediateStatus) Command() Command { return CmdIntermediate }
func (*IntermediateStatus) typeName() string { return "intermediate_status" }

// T4 returns the new T4 the PT asked for.
func (m *IntermediateStatus) T4() (time.Duration, bool) {
	return time.Duration(m.Timeout) * time.Minute, m.HasTimeout
}

// Lines returns the display text lines (TLV 24 → 07) decoded with cs.
func (m *IntermediateStatus) Lines(cs Charset) []string {
	l, _ := m.Fields.TLV()
	var out []string
	for _, o := range l.All(TagTextLine) {
		out = append(out, cs.DecodeText(o.Value))
	}
	return out
}

// Text returns the display lines joined, or the code's name.
func (m *IntermediateStatus) Text(cs Charset) string {
	if lines := m.Lines(cs); len(lines) > 0 {
		return joinSpace(lines)
	}
	return IntermediateText(m.Code)
}

// Decode reads an Intermediate Status APDU.
func (m *IntermediateStatus) Decode(apdu []byte) error { return m.decodeIn(apdu, nil) }

func (m *IntermediateStatus) decodeIn(apdu []byte, mem *decodeMem) error {
	*m = IntermediateStatus{}
	r, _, err := openAPDU(apdu, CmdIntermediate)
	if err != nil {
		return err
	}
	m.Code = r.u8("status code")
	if r.more() {
		m.HasTimeout = true
		m.Timeout = atoiDigits(r.bcd("timeout", 1))
		m.Fields = r.fields(mem)
	}
	return r.done(CmdIntermediate)
}

// Encode appends the Intermediate Status APDU to dst.
func (m *IntermediateStatus) Encode(dst []byte) ([]byte, error) {
	dst, start := beginAPDU(dst, CmdIntermediate)
	dst = append(dst, m.Code)
	if m.HasTimeout || len(m.Fields.List) > 0 || len(m.Fields.Rest) > 0 {
		var err error
		if m.Timeout < 0 || m.Timeout > 99 {
			return dst[:start], &EncodeError{Msg: msgName(CmdIntermediate), Field: "timeout", Err: fmt.Errorf("%w: %d minutes", ErrBCD, m.Timeout)}
		}
		dst, _ = appendBCDUint(dst, uint64(m.Timeout), 1)
		if dst, err = m.Fields.append(dst); err != nil {
			return dst[:start], withEncodeMsg(err, CmdIntermediate)
		}
	}
	return finishAPDU(dst, start)
}

func (m *IntermediateStatus) items(v *viewer) []Item {
	out := []Item{v.byteItem("status_code", m.Code, IntermediateText(m.Code))}
	if m.HasTimeout {
		out = append(out, Item{Name: "timeout_minutes", Value: m.Timeout})
	}
	return append(out, v.fields(m.Fields)...)
}

// MarshalJSON writes the message as decoded fields with a "type" key.
func (m *IntermediateStatus) MarshalJSON() ([]byte, error) { return marshalMessage(m) }
