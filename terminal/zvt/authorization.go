package zvt

// Authorization (06 01, ECR → PT) runs a payment (research/zvt.md §3):
//
//	[04 <amount>] [49 <currency>] [19 <payment type>] [card data] [01 <timeout>] … [06 <TLV>]
//
// Set the amount with Fields.SetAmount (minor units) and the currency with
// Fields.SetCurrency.
type Authorization struct {
	Fields Fields
}

// Payment types for BMP 19 in an Authorization.
const (
	PaymentPTDecides            byte = 0x40 // PT decides, without GeldKarte (the usual choice)
	PaymentPTDecidesGeldKarte   byte = 0x50
	PaymentGirocardPIN          byte = 0x30
	PaymentOnlineWithoutPIN     byte = 0x20
	PaymentFromPreviousReadCard byte = 0x02 // bit: use the data of the previous Read Card
)

// NewAuthorization returns an Authorization of amount minor units in
// currency (ISO 4217) with an empty TLV container.
func NewAuthorization(amount int64, currency int) *Authorization {
	m := &Authorization{}
	m.Fields.SetAmount(amount)
	if currency != 0 {
		m.Fields.SetCurrency(currency)
	}
	m.Fields.SetTLV(TLVList{})
	return m
}

// ECR marks Authorization as a message the ECR sends.
func (*Authorization) ECR() {}

// Command returns the command Authorization is sent with.
func (*Authorization) Command() Command { return CmdAuthorization }
func (*Authorization) typeName() string { return "authorization" }

// Decode reads an Authorization APDU.
func (m *Authorization) Decode(apdu []byte) error { return m.decodeIn(apdu, nil) }

func (m *Authorization) decodeIn(apdu []byte, mem *decodeMem) error {
	*m = Authorization{}
	var err error
	m.Fields, err = decodeFieldsOnly(apdu, CmdAuthorization, mem)
	return err
}

// Encode appends the Authorization APDU to dst.
func (m *Authorization) Encode(dst []byte) ([]byte, error) {
	return encodeFieldsOnly(dst, CmdAuthorization, m.Fields)
}

func (m *Authorization) items(v *viewer) []Item { return v.fields(m.Fields) }

// MarshalJSON writes the message as decoded fields with a "type" key.
func (m *Authorization) MarshalJSON() ([]byte, error) { return marshalMessage(m) }
