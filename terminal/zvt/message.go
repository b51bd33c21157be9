package zvt

import (
	"fmt"
	"strings"
)

// Message is one ZVT APDU as a Go value.
//
// Decode reads a whole APDU (header included) and may keep references into
// it: the bytes must not change while the message is in use. It starts by
// resetting the message. Encode appends the whole APDU to dst and returns
// the extended buffer.
type Message interface {
	Command() Command
	Encode(dst []byte) ([]byte, error)
	Decode(apdu []byte) error
	// MarshalJSON writes the decoded fields with a "type" key, card data
	// masked.
	MarshalJSON() ([]byte, error)
	// typeName is the JSON "type" and items the decoded fields for Trace,
	// Describe and JSON.
	typeName() string
	items(v *viewer) []Item
}

// ECRMessage is a message the ECR (the console) sends to the PT. Session.Send
// accepts only these.
type ECRMessage interface {
	Message
	ECR()
}

// PTMessage is a message the PT (the terminal, or the simulator) sends to
// the ECR.
type PTMessage interface {
	Message
	PT()
}

// msgName is the message part of a DecodeError: "completion 06 0F".
func msgName(c Command) string { return strings.ToLower(c.Name()) + " " + c.Hex() }

// reader is a sticky-error reader over one whole APDU. Offsets are from the
// start of the APDU. After the first error every method returns zero values.
type reader struct {
	b   []byte
	off int
	err error
}

// openAPDU checks that apdu holds exactly one APDU of command want (any 84
// xx when want is CmdNack) and returns a reader at the start of its data.
func openAPDU(apdu []byte, want Command) (reader, APDU, error) {
	a, n, err := ReadAPDU(apdu)
	if err != nil {
		return reader{}, a, withMsg(err, msgName(want))
	}
	got := a.Command()
	if got != want && !(want == CmdNack && a.Class == 0x84) {
		return reader{}, a, &DecodeError{Msg: msgName(want), Field: "command", Offset: 0,
			Err: fmt.Errorf("%w: command is %s", ErrFormat, got.Hex())}
	}
	if n != len(apdu) {
		return reader{}, a, &DecodeError{Msg: msgName(want), Field: "length", Offset: n,
			Err: fmt.Errorf("%w: %d bytes after the end of the APDU", ErrLength, len(apdu)-n)}
	}
	return reader{b: apdu[:n:n], off: n - len(a.Data)}, a, nil
}

func (r *reader) more() bool { return r.err == nil && r.off < len(r.b) }

func (r *reader) take(field string, n int) []byte {
	if r.err != nil {
		return nil
	}
	if len(r.b)-r.off < n {
		r.err = errShort(field, r.off, n, len(r.b)-r.off)
		r.off = len(r.b)
		return nil
	}
	v := r.b[r.off : r.off+n : r.off+n]
	r.off += n
	return v
}

func (r *reader) u8(field string) byte {
	v := r.take(field, 1)
	if v == nil {
		return 0
	}
	return v[0]
}

// bcd reads n BCD bytes that must hold plain digits (no masking, no
// padding) and returns them as a digit string.
func (r *reader) bcd(field string, n int) string {
	off := r.off
	v := r.take(field, n)
	if v == nil {
		return ""
	}
	for i := range 2 * n {
		if d := nibble(v, i); d > 9 {
			r.err = errAt(field, off+i/2, ErrBCD, "nibble %X is not a digit", d)
			r.off = len(r.b)
			return ""
		}
	}
	return digitString(v)
}

func (r *reader) lllvar(field string) []byte {
	if r.err != nil {
		return nil
	}
	n, off, err := readVarLen(r.b, r.off, 3, field)
	if err != nil {
		r.err, r.off = err, len(r.b)
		return nil
	}
	r.off = off
	return r.take(field, n)
}

// fields reads the rest as BMPs, their lists cut from mem (nil: allocated).
func (r *reader) fields(mem *decodeMem) Fields {
	if r.err != nil {
		return Fields{}
	}
	f, err := decodeFields(r.b, r.off, mem)
	if err != nil {
		r.err = err
	}
	r.off = len(r.b)
	return f
}

func (r *reader) rest() []byte {
	if r.err != nil {
		return nil
	}
	v := r.b[r.off:len(r.b):len(r.b)]
	r.off = len(r.b)
	return v
}

// done returns the first error, with the message named.
func (r *reader) done(c Command) error {
	if r.err != nil {
		return withMsg(r.err, msgName(c))
	}
	return nil
}

// password reads the 3-byte BCD password. Masked digits (E, as [Mask]
// writes them) read as '*', so a masked trace still decodes.
func (r *reader) password() string {
	off := r.off
	v := r.take("password", 3)
	if v == nil {
		return ""
	}
	for i := range 6 {
		if d := nibble(v, i); d > 9 && d != 0xE {
			r.err = errAt("password", off+i/2, ErrBCD, "nibble %X is not a digit", d)
			r.off = len(r.b)
			return ""
		}
	}
	return digitString(v)
}

// appendPassword appends a 6-digit password as 3 BCD bytes ('*' for a
// masked digit).
func appendPassword(dst []byte, pwd string) ([]byte, error) {
	if len(pwd) != 6 {
		return dst, fmt.Errorf("%w: password must be 6 digits", ErrBCD)
	}
	for i := range len(pwd) {
		if (pwd[i] < '0' || pwd[i] > '9') && pwd[i] != '*' {
			return dst, fmt.Errorf("%w: password must be 6 digits", ErrBCD)
		}
	}
	b, _ := packDigits(pwd)
	return append(dst, b...), nil
}

// decodePwdFields decodes the common shape "[<password 3 BCD>] [BMPs]".
// With pwdRequired the password must be there.
func decodePwdFields(apdu []byte, c Command, pwdRequired bool, mem *decodeMem) (string, Fields, error) {
	r, _, err := openAPDU(apdu, c)
	if err != nil {
		return "", Fields{}, err
	}
	var pwd string
	if pwdRequired || r.more() {
		pwd = r.password()
	}
	f := r.fields(mem)
	return pwd, f, r.done(c)
}

// encodePwdFields encodes "[<password>] BMPs"; an empty password is left out
// unless required.
func encodePwdFields(dst []byte, c Command, pwd string, pwdRequired bool, f Fields) ([]byte, error) {
	dst, start := beginAPDU(dst, c)
	var err error
	if pwd != "" || pwdRequired {
		if dst, err = appendPassword(dst, pwd); err != nil {
			return dst[:start], &EncodeError{Msg: msgName(c), Field: "password", Err: err}
		}
	}
	if dst, err = f.append(dst); err != nil {
		return dst[:start], withEncodeMsg(err, c)
	}
	return finishAPDU(dst, start)
}

// decodeFieldsOnly decodes a message whose data is a list of BMPs.
func decodeFieldsOnly(apdu []byte, c Command, mem *decodeMem) (Fields, error) {
	r, _, err := openAPDU(apdu, c)
	if err != nil {
		return Fields{}, err
	}
	f := r.fields(mem)
	return f, r.done(c)
}

func encodeFieldsOnly(dst []byte, c Command, f Fields) ([]byte, error) {
	return encodePwdFields(dst, c, "", false, f)
}

func withEncodeMsg(err error, c Command) error {
	if ee, ok := err.(*EncodeError); ok && ee.Msg == "" {
		ee.Msg = msgName(c)
	}
	return err
}

// ecrMessages makes an empty message for each command the ECR sends.
var ecrMessages = map[Command]func() ECRMessage{
	CmdRegistration:      func() ECRMessage { return &Registration{} },
	CmdLogOff:            func() ECRMessage { return &LogOff{} },
	CmdStatusEnquiry:     func() ECRMessage { return &StatusEnquiry{} },
	CmdAuthorization:     func() ECRMessage { return &Authorization{} },
	CmdReversal:          func() ECRMessage { return &Reversal{} },
	CmdRefund:            func() ECRMessage { return &Refund{} },
	CmdReadCard:          func() ECRMessage { return &ReadCard{} },
	CmdDiagnosis:         func() ECRMessage { return &Diagnosis{} },
	CmdRepeatReceipt:     func() ECRMessage { return &RepeatReceipt{} },
	CmdAbortECR:          func() ECRMessage { return &AbortECR{} },
	CmdEndOfDay:          func() ECRMessage { return &EndOfDay{} },
	CmdPrintSystemConfig: func() ECRMessage { return &PrintSystemConfig{} },
	CmdInitialisation:    func() ECRMessage { return &Initialisation{} },
	CmdSetDateTime:       func() ECRMessage { return &SetDateTime{} },
	CmdSelftest:          func() ECRMessage { return &Selftest{} },
	CmdPreAuth:           func() ECRMessage { return &PreAuth{} },
	CmdPartialReversal:   func() ECRMessage { return &PartialReversal{} },
	CmdPreAuthReversal:   func() ECRMessage { return &PreAuthReversal{} },
	// Feig cVEND extensions (feig.go).
	CmdFeigFunctions:       func() ECRMessage { return &FeigFunctions{} },
	CmdWriteFile:           func() ECRMessage { return &WriteFile{} },
	CmdChangeConfiguration: func() ECRMessage { return &ChangeConfiguration{} },
}

// ptMessages makes an empty message for each command the PT sends; open is
// the command that is running (it selects the form of the Completion).
var ptMessages = map[Command]func(open Command) PTMessage{
	CmdCompletion:     func(open Command) PTMessage { return &Completion{Open: open} },
	CmdAbortPT:        func(Command) PTMessage { return &AbortPT{} },
	CmdStatusInfo:     func(Command) PTMessage { return &StatusInfo{} },
	CmdIntermediate:   func(Command) PTMessage { return &IntermediateStatus{} },
	CmdPrintLine:      func(Command) PTMessage { return &PrintLine{} },
	CmdPrintTextBlock: func(Command) PTMessage { return &PrintTextBlock{} },
	CmdSetTimeECR:     func(Command) PTMessage { return &SetTimeECR{} },
	CmdRequestForData: func(Command) PTMessage { return &RequestForData{} },
}

// eitherMessage is a message both sides send: an answer or an unknown
// command.
type eitherMessage interface {
	ECRMessage
	PT()
}

// answerOrRaw makes the message for a command neither table holds: 80 00 is
// an *Ack, any 84 xx a *Nack, anything else a *RawAPDU.
func answerOrRaw(a APDU) eitherMessage {
	switch {
	case a.Command() == CmdAck:
		return &Ack{}
	case a.Class == 0x84:
		return &Nack{}
	}
	return &RawAPDU{}
}

// DecodeECR decodes a message the ECR sent (the simulator's side). An unknown
// command comes back as a *RawAPDU; an answer (80 00, 84 xx) as *Ack or
// *Nack.
func DecodeECR(apdu []byte) (ECRMessage, error) { return decodeECRIn(apdu, nil) }

func decodeECRIn(apdu []byte, mem *decodeMem) (ECRMessage, error) {
	a, _, err := ReadAPDU(apdu)
	if err != nil {
		return nil, err
	}
	var m ECRMessage
	if mk, ok := ecrMessages[a.Command()]; ok {
		m = mk()
	} else {
		m = answerOrRaw(a)
	}
	if err := decodeIn(m, apdu, mem); err != nil {
		return nil, err
	}
	return m, nil
}

// DecodePT decodes a message the PT sent (the console's side). open is the
// command that is running; it selects the form of the Completion (see
// [DecodeCompletion]). An unknown command comes back as a *RawAPDU.
func DecodePT(apdu []byte, open Command) (PTMessage, error) { return decodePTIn(apdu, open, nil) }

func decodePTIn(apdu []byte, open Command, mem *decodeMem) (PTMessage, error) {
	a, _, err := ReadAPDU(apdu)
	if err != nil {
		return nil, err
	}
	var m PTMessage
	if mk, ok := ptMessages[a.Command()]; ok {
		m = mk(open)
	} else {
		m = answerOrRaw(a)
	}
	if err := decodeIn(m, apdu, mem); err != nil {
		return nil, err
	}
	return m, nil
}

// DecodeMessage decodes an APDU from either side: the command byte pairs do
// not overlap, so the direction follows from the command. open is as for
// [DecodePT].
func DecodeMessage(apdu []byte, open Command) (Message, error) {
	return decodeMessageIn(apdu, open, nil)
}

func decodeMessageIn(apdu []byte, open Command, mem *decodeMem) (Message, error) {
	a, _, err := ReadAPDU(apdu)
	if err != nil {
		return nil, err
	}
	switch c := a.Command(); {
	case c == CmdAck || a.Class == 0x84 || isPTCommand(c):
		return decodePTIn(apdu, open, mem)
	default:
		return decodeECRIn(apdu, mem)
	}
}

// isPTCommand reports whether the PT sends c (the answers 80 00 and 84 xx
// go both ways and are not PT commands). It lists the keys of ptMessages
// (TestMessageTables checks that) as a switch: Describe and Trace ask for
// every frame, and a switch is several times faster than the map lookup.
func isPTCommand(c Command) bool {
	switch c {
	case CmdCompletion, CmdAbortPT, CmdStatusInfo, CmdIntermediate, CmdPrintLine, CmdPrintTextBlock, CmdSetTimeECR,
		CmdRequestForData:
		return true
	}
	return false
}

// IsPT reports whether the command is one the PT sends.
func IsPT(c Command) bool { return isPTCommand(c) }
