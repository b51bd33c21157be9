package zvt

// Completion (06 0F, PT → ECR) ends a command and hands master rights back
// to the ECR. Its shape depends on the command it answers (research/zvt.md
// §0.6, §4.3), so Open must be set before Decode:
//
//   - after Status Enquiry (Open == CmdStatusEnquiry):
//     [<software version LLLVAR>] <terminal status 1 byte> [06 <TLV: 1F44, E4{1F40–1F43}, 34, …>]
//   - otherwise BMPs: [19 <status byte>] [29 <TID>] [49 <currency>] [06 <TLV>] …
//
// Set NoVersion when the Status Enquiry's service byte asked for no version
// ([ServiceNoVersion]): a terminal status of F0 or F6 then looks like an
// LLLVAR start and only the service byte tells them apart. Without
// NoVersion, data whose first three bytes are not all Fx is read as having
// no version (an LLLVAR always starts with three Fx bytes).
type Completion struct {
	Open      Command // the command this Completion answers
	NoVersion bool    // status form: the version was suppressed (service byte bit 02)

	// Status form only.
	HasVersion     bool
	Version        []byte // software version text as sent (7-bit ASCII in practice)
	TerminalStatus byte   // research/zvt.md §4.3; 00 ready

	Fields Fields // BMPs (in the status form: what follows the status byte, usually 06 TLV)

	// System is the enhanced system information form (Open ==
	// CmdFeigFunctions, feig.go); nil otherwise.
	System *SystemInfo
}

// PT marks Completion as a message the PT sends.
func (*Completion) PT() {}

// Command returns the command Completion is sent with.
func (*Completion) Command() Command { return CmdCompletion }
func (c *Completion) typeName() string {
	if c.StatusForm() {
		return "status_completion"
	}
	if c.System != nil {
		return "system_info_completion"
	}
	return "completion"
}

// StatusForm reports whether the Completion answers a Status Enquiry.
func (c *Completion) StatusForm() bool { return c.Open == CmdStatusEnquiry }

// DecodeCompletion decodes a Completion answering the command open. For a
// Status Enquiry it assumes the version was asked for; use
// [DecodeStatusCompletion] to pass the service byte sent.
func DecodeCompletion(open Command, apdu []byte) (*Completion, error) {
	c := &Completion{Open: open}
	if err := c.Decode(apdu); err != nil {
		return nil, err
	}
	return c, nil
}

// DecodeStatusCompletion decodes the Completion of a Status Enquiry sent
// with service byte service (0 when none was sent).
func DecodeStatusCompletion(apdu []byte, service byte) (*Completion, error) {
	c := &Completion{Open: CmdStatusEnquiry, NoVersion: service&ServiceNoVersion != 0}
	if err := c.Decode(apdu); err != nil {
		return nil, err
	}
	return c, nil
}

// SoftwareVersion returns the version text (status form), else TLV 1F41.
func (c *Completion) SoftwareVersion(cs Charset) string {
	if c.HasVersion {
		return trimText(cs.DecodeText(c.Version))
	}
	if v, ok := c.Fields.TLVValue(TagSoftwareVersion); ok {
		return trimText(cs.DecodeText(v))
	}
	return ""
}

// TID returns TLV 1F44 or BMP 29.
func (c *Completion) TID() (string, bool) {
	if v, ok := c.Fields.TLVValue(TagTID); ok {
		return tidText(v), true
	}
	return c.Fields.TID()
}

// tidText shows a TID that may be BCD digits or ASCII.
//
// TLV 1F44 is 4 BCD bytes (spec; Feig V6 sends 52 52 35 35 for TID
// 52523535, which is also printable as "RR55"), so BCD digits win; ASCII
// only when the bytes are not BCD.
func tidText(v []byte) string {
	if len(v) == 4 && allBCD(v) || !printableASCII(v) {
		return digitString(v)
	}
	return string(v)
}

func allBCD(v []byte) bool {
	for _, c := range v {
		if !isBCDByte(c) {
			return false
		}
	}
	return true
}

// printableASCII reports whether v is not empty and all printable ASCII.
func printableASCII(v []byte) bool {
	for _, b := range v {
		if b < 0x20 || b > 0x7E {
			return false
		}
	}
	return len(v) > 0
}

// Decode reads a Completion APDU in the form c.Open selects. Open and
// NoVersion are kept; everything else is reset.
func (c *Completion) Decode(apdu []byte) error { return c.decodeIn(apdu, nil) }

func (c *Completion) decodeIn(apdu []byte, mem *decodeMem) error {
	*c = Completion{Open: c.Open, NoVersion: c.NoVersion}
	r, _, err := openAPDU(apdu, CmdCompletion)
	if err != nil {
		return err
	}
	if c.StatusForm() {
		if !c.NoVersion && looksLLLVAR(r.b[r.off:]) {
			c.Version = r.lllvar("software version")
			c.HasVersion = r.err == nil
		}
		c.TerminalStatus = r.u8("terminal status")
	}
	if c.Open == CmdFeigFunctions {
		if si, ok := decodeSystemInfo(r.b[r.off:]); ok {
			c.System = &si
			r.rest()
			return r.done(CmdCompletion)
		}
	}
	c.Fields = r.fields(mem)
	return r.done(CmdCompletion)
}

// Encode appends the Completion APDU to dst.
func (c *Completion) Encode(dst []byte) ([]byte, error) {
	dst, start := beginAPDU(dst, CmdCompletion)
	var err error
	if c.StatusForm() {
		if c.HasVersion {
			if dst, err = appendVarLen(dst, len(c.Version), 3); err != nil {
				return dst[:start], &EncodeError{Msg: msgName(CmdCompletion), Field: "software version", Err: err}
			}
			dst = append(dst, c.Version...)
		}
		dst = append(dst, c.TerminalStatus)
	}
	if c.System != nil {
		return finishAPDU(c.System.append(dst), start)
	}
	if dst, err = c.Fields.append(dst); err != nil {
		return dst[:start], withEncodeMsg(err, CmdCompletion)
	}
	return finishAPDU(dst, start)
}

func (c *Completion) items(v *viewer) []Item {
	var out []Item
	if c.StatusForm() {
		if c.HasVersion {
			out = append(out, Item{Name: "software_version", Value: trimText(v.cs.DecodeText(c.Version))})
		}
		out = append(out, v.byteItem("terminal_status", c.TerminalStatus, TerminalStatusText(c.TerminalStatus)))
	}
	if c.System != nil {
		return c.System.items()
	}
	return append(out, v.fields(c.Fields)...)
}

// MarshalJSON writes the message as decoded fields with a "type" key.
func (c *Completion) MarshalJSON() ([]byte, error) { return marshalMessage(c) }

// looksLLLVAR reports whether b starts with three Fx length bytes.
func looksLLLVAR(b []byte) bool {
	return len(b) >= 3 && b[0]>>4 == 0xF && b[1]>>4 == 0xF && b[2]>>4 == 0xF
}
