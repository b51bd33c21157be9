package zvt

// decodeMem is memory that a message is decoded into and dropped from: an
// Explainer's, reused from message to message for the lists of fields and
// TLV objects decoding makes (a 4 KB Print Text-Block holds a hundred), so
// that a day's trace does not touch fresh memory for each message. A nil
// decodeMem allocates, as Decode does.
type decodeMem struct {
	tlvs   slab[TLV]
	fields slab[Field]
}

// memDecoder is a message that can decode into a decodeMem: one whose
// Decode reads BMPs. Its Decode is decodeIn with nil.
type memDecoder interface {
	decodeIn(apdu []byte, mem *decodeMem) error
}

// decodeIn decodes apdu into m, in mem where m can.
func decodeIn(m Message, apdu []byte, mem *decodeMem) error {
	if d, ok := m.(memDecoder); ok {
		return d.decodeIn(apdu, mem)
	}
	return m.Decode(apdu)
}

// fieldLists and tlvLists are where the lists are cut from; nil for a nil
// decodeMem, which allocates them.
func (m *decodeMem) fieldLists() *slab[Field] {
	if m == nil {
		return nil
	}
	return &m.fields
}

func (m *decodeMem) tlvLists() *slab[TLV] {
	if m == nil {
		return nil
	}
	return &m.tlvs
}

// reset makes all of mem free again: nothing decoded into it is used
// after.
func (m *decodeMem) reset() {
	m.tlvs.reset()
	m.fields.reset()
}
