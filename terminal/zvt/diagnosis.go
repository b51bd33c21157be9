package zvt

// Diagnosis types (TLV 1B in a Diagnosis).
const (
	DiagnosisLine     byte = 0x01
	DiagnosisExtended byte = 0x02 // the default
	DiagnosisConfig   byte = 0x03
	DiagnosisEMV      byte = 0x04
	DiagnosisEP2      byte = 0x05
)

// Diagnosis (06 70, ECR → PT) makes the PT check its host connection:
// [06 <TLV 1B type>]. On success the PT sets the ECR clock (04 01), prints
// and completes (research/zvt.md §3).
type Diagnosis struct {
	Fields Fields
}

// NewDiagnosis returns a Diagnosis of type typ (0 sends no TLV, the PT's
// default, extended).
func NewDiagnosis(typ byte) *Diagnosis {
	m := &Diagnosis{}
	if typ != 0 {
		m.Fields.SetTLV(TLVList{NewTLV(TagDiagnosisType, []byte{typ})})
	}
	return m
}

// ECR marks Diagnosis as a message the ECR sends.
func (*Diagnosis) ECR() {}

// Command returns the command Diagnosis is sent with.
func (*Diagnosis) Command() Command { return CmdDiagnosis }
func (*Diagnosis) typeName() string { return "diagnosis" }

// Type returns TLV 1B, or DiagnosisExtended when absent.
func (m *Diagnosis) Type() byte {
	if v, ok := m.Fields.TLVValue(TagDiagnosisType); ok && len(v) == 1 {
		return v[0]
	}
	return DiagnosisExtended
}

// Decode reads a Diagnosis APDU.
func (m *Diagnosis) Decode(apdu []byte) error { return m.decodeIn(apdu, nil) }

func (m *Diagnosis) decodeIn(apdu []byte, mem *decodeMem) error {
	*m = Diagnosis{}
	var err error
	m.Fields, err = decodeFieldsOnly(apdu, CmdDiagnosis, mem)
	return err
}

// Encode appends the Diagnosis APDU to dst.
func (m *Diagnosis) Encode(dst []byte) ([]byte, error) {
	return encodeFieldsOnly(dst, CmdDiagnosis, m.Fields)
}

func (m *Diagnosis) items(v *viewer) []Item { return v.fields(m.Fields) }

// MarshalJSON writes the message as decoded fields with a "type" key.
func (m *Diagnosis) MarshalJSON() ([]byte, error) { return marshalMessage(m) }
