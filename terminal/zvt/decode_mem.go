package zvt

// decodeMem is memory that a message is decoded into and dropped from: an
// Explainer's, reused from message to message for the lists of fields and
// TLV objects decoding makes (a 4 KB Print Text-Block holds a hundred), so
// that a day's trace does not touch fresh memory for each message. A nil
// decodeMem allocates, as Decode does.
type decodeMem struct {
	tlv    tlvSlab
	fields []Field
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

// fieldList returns an empty field list with room for n.
func (m *decodeMem) fieldList(n int) []Field {
	if m == nil {
		return make([]Field, 0, n)
	}
	if cap(m.fields)-len(m.fields) < n {
		m.fields = make([]Field, 0, max(2*cap(m.fields), n, 64)) // lists cut before stay where they are
	}
	k := len(m.fields)
	m.fields = m.fields[:k+n]
	return m.fields[k : k : k+n]
}

// tlvSlab is where TLV lists are cut from; nil for a nil decodeMem.
func (m *decodeMem) tlvSlab() *tlvSlab {
	if m == nil {
		return nil
	}
	return &m.tlv
}

// reset makes all of mem free again: nothing decoded into it is used
// after. It is cleared so that it holds no message's bytes.
func (m *decodeMem) reset() {
	m.tlv.reset()
	clear(m.fields)
	m.fields = m.fields[:0]
}
