package zvt

// Reversal (06 30, ECR → PT) cancels a payment by its receipt number:
//
//	<password 3 BCD> 87 <receipt no.> [04 <amount>] [49] [19] [card data] [3C] [06 <TLV>]
type Reversal struct {
	Password string // 6 digits
	Fields   Fields // BMP 87 receipt (Fields.SetUint(BMPReceipt, n)), 04 amount
}

// NewReversal returns a Reversal of the payment with receipt number
// receipt; amount 0 leaves the amount out.
func NewReversal(password string, receipt int, amount int64) *Reversal {
	m := &Reversal{Password: password}
	m.Fields.SetUint(BMPReceipt, uint64(max(receipt, 0)))
	if amount > 0 {
		m.Fields.SetAmount(amount)
	}
	return m
}

// ECR marks Reversal as a message the ECR sends.
func (*Reversal) ECR() {}

// Command returns the command Reversal is sent with.
func (*Reversal) Command() Command { return CmdReversal }
func (*Reversal) typeName() string { return "reversal" }

// Decode reads a Reversal APDU.
func (m *Reversal) Decode(apdu []byte) error { return m.decodeIn(apdu, nil) }

func (m *Reversal) decodeIn(apdu []byte, mem *decodeMem) error {
	*m = Reversal{}
	var err error
	m.Password, m.Fields, err = decodePwdFields(apdu, CmdReversal, true, mem)
	return err
}

// Encode appends the Reversal APDU to dst.
func (m *Reversal) Encode(dst []byte) ([]byte, error) {
	return encodePwdFields(dst, CmdReversal, m.Password, true, m.Fields)
}

func (m *Reversal) items(v *viewer) []Item {
	return append([]Item{v.password(m.Password)}, v.fields(m.Fields)...)
}

// MarshalJSON writes the message as decoded fields with a "type" key.
func (m *Reversal) MarshalJSON() ([]byte, error) { return marshalMessage(m) }

// Refund (06 31, ECR → PT) pays money back to a card; the way to undo a
// payment after End-of-Day (a Reversal then fails with B5):
//
//	<password 3 BCD> [04 <amount>] [49] [19] [card data] [06 <TLV>]
type Refund struct {
	Password string
	Fields   Fields
}

// ECR marks Refund as a message the ECR sends.
func (*Refund) ECR() {}

// Command returns the command Refund is sent with.
func (*Refund) Command() Command { return CmdRefund }
func (*Refund) typeName() string { return "refund" }

// Decode reads a Refund APDU.
func (m *Refund) Decode(apdu []byte) error { return m.decodeIn(apdu, nil) }

func (m *Refund) decodeIn(apdu []byte, mem *decodeMem) error {
	*m = Refund{}
	var err error
	m.Password, m.Fields, err = decodePwdFields(apdu, CmdRefund, true, mem)
	return err
}

// Encode appends the Refund APDU to dst.
func (m *Refund) Encode(dst []byte) ([]byte, error) {
	return encodePwdFields(dst, CmdRefund, m.Password, true, m.Fields)
}

func (m *Refund) items(v *viewer) []Item {
	return append([]Item{v.password(m.Password)}, v.fields(m.Fields)...)
}

// MarshalJSON writes the message as decoded fields with a "type" key.
func (m *Refund) MarshalJSON() ([]byte, error) { return marshalMessage(m) }
