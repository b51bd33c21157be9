package zvt

import "time"

// RepeatReceipt (06 20, ECR → PT) asks for the last transaction again: the
// resync tool after a lost outcome (research/zvt.md §2.6, §7.4):
//
//	<password 3 BCD> [03 <service byte: 01 resend 04 0F, 02 no print>] [06 <TLV 1F01–1F03>]
type RepeatReceipt struct {
	Password string // 6 digits
	Fields   Fields
}

// ECR marks RepeatReceipt as a message the ECR sends.
func (*RepeatReceipt) ECR() {}

// Command returns the command RepeatReceipt is sent with.
func (*RepeatReceipt) Command() Command { return CmdRepeatReceipt }
func (*RepeatReceipt) typeName() string { return "repeat_receipt" }

// Decode reads the APDU.
func (m *RepeatReceipt) Decode(apdu []byte) error { return m.decodeIn(apdu, nil) }

func (m *RepeatReceipt) decodeIn(apdu []byte, mem *decodeMem) error {
	*m = RepeatReceipt{}
	var err error
	m.Password, m.Fields, err = decodePwdFields(apdu, CmdRepeatReceipt, true, mem)
	return err
}

// Encode appends the APDU to dst.
func (m *RepeatReceipt) Encode(dst []byte) ([]byte, error) {
	return encodePwdFields(dst, CmdRepeatReceipt, m.Password, true, m.Fields)
}

func (m *RepeatReceipt) items(v *viewer) []Item {
	return append([]Item{v.password(m.Password)}, v.fields(m.Fields)...)
}

// MarshalJSON writes the message as decoded fields with a "type" key.
func (m *RepeatReceipt) MarshalJSON() ([]byte, error) { return marshalMessage(m) }

// EndOfDay (06 50, ECR → PT) closes the batch: <password 3 BCD> [06 <TLV>].
type EndOfDay struct {
	Password string // 6 digits
	Fields   Fields
}

// ECR marks EndOfDay as a message the ECR sends.
func (*EndOfDay) ECR() {}

// Command returns the command EndOfDay is sent with.
func (*EndOfDay) Command() Command { return CmdEndOfDay }
func (*EndOfDay) typeName() string { return "end_of_day" }

// Decode reads the APDU.
func (m *EndOfDay) Decode(apdu []byte) error { return m.decodeIn(apdu, nil) }

func (m *EndOfDay) decodeIn(apdu []byte, mem *decodeMem) error {
	*m = EndOfDay{}
	var err error
	m.Password, m.Fields, err = decodePwdFields(apdu, CmdEndOfDay, true, mem)
	return err
}

// Encode appends the APDU to dst.
func (m *EndOfDay) Encode(dst []byte) ([]byte, error) {
	return encodePwdFields(dst, CmdEndOfDay, m.Password, true, m.Fields)
}

func (m *EndOfDay) items(v *viewer) []Item {
	return append([]Item{v.password(m.Password)}, v.fields(m.Fields)...)
}

// MarshalJSON writes the message as decoded fields with a "type" key.
func (m *EndOfDay) MarshalJSON() ([]byte, error) { return marshalMessage(m) }

// Initialisation (06 93, ECR → PT) loads keys and parameters from the host:
// <password 3 BCD>.
type Initialisation struct {
	Password string // 6 digits
	Fields   Fields
}

// ECR marks Initialisation as a message the ECR sends.
func (*Initialisation) ECR() {}

// Command returns the command Initialisation is sent with.
func (*Initialisation) Command() Command { return CmdInitialisation }
func (*Initialisation) typeName() string { return "initialisation" }

// Decode reads the APDU.
func (m *Initialisation) Decode(apdu []byte) error { return m.decodeIn(apdu, nil) }

func (m *Initialisation) decodeIn(apdu []byte, mem *decodeMem) error {
	*m = Initialisation{}
	var err error
	m.Password, m.Fields, err = decodePwdFields(apdu, CmdInitialisation, true, mem)
	return err
}

// Encode appends the APDU to dst.
func (m *Initialisation) Encode(dst []byte) ([]byte, error) {
	return encodePwdFields(dst, CmdInitialisation, m.Password, true, m.Fields)
}

func (m *Initialisation) items(v *viewer) []Item {
	return append([]Item{v.password(m.Password)}, v.fields(m.Fields)...)
}

// MarshalJSON writes the message as decoded fields with a "type" key.
func (m *Initialisation) MarshalJSON() ([]byte, error) { return marshalMessage(m) }

// SetDateTime (06 91, ECR → PT) sets the PT clock:
// <password 3 BCD> AA <YYMMDD> 0C <HHMMSS>. Build it with [NewSetDateTime].
type SetDateTime struct {
	Password string // 6 digits
	Fields   Fields
}

// ECR marks SetDateTime as a message the ECR sends.
func (*SetDateTime) ECR() {}

// Command returns the command SetDateTime is sent with.
func (*SetDateTime) Command() Command { return CmdSetDateTime }
func (*SetDateTime) typeName() string { return "set_date_time" }

// Decode reads the APDU.
func (m *SetDateTime) Decode(apdu []byte) error { return m.decodeIn(apdu, nil) }

func (m *SetDateTime) decodeIn(apdu []byte, mem *decodeMem) error {
	*m = SetDateTime{}
	var err error
	m.Password, m.Fields, err = decodePwdFields(apdu, CmdSetDateTime, true, mem)
	return err
}

// Encode appends the APDU to dst.
func (m *SetDateTime) Encode(dst []byte) ([]byte, error) {
	return encodePwdFields(dst, CmdSetDateTime, m.Password, true, m.Fields)
}

func (m *SetDateTime) items(v *viewer) []Item {
	return append([]Item{v.password(m.Password)}, v.fields(m.Fields)...)
}

// MarshalJSON writes the message as decoded fields with a "type" key.
func (m *SetDateTime) MarshalJSON() ([]byte, error) { return marshalMessage(m) }

// PrintSystemConfig (06 1A, ECR → PT) makes the PT print its configuration
// (Feig: a 4 KB text block with versions, IP and ports). It has no data in
// the spec; any BMPs are kept.
type PrintSystemConfig struct {
	Fields Fields
}

// ECR marks PrintSystemConfig as a message the ECR sends.
func (*PrintSystemConfig) ECR() {}

// Command returns the command PrintSystemConfig is sent with.
func (*PrintSystemConfig) Command() Command { return CmdPrintSystemConfig }
func (*PrintSystemConfig) typeName() string { return "print_system_config" }

// Decode reads the APDU.
func (m *PrintSystemConfig) Decode(apdu []byte) error { return m.decodeIn(apdu, nil) }

func (m *PrintSystemConfig) decodeIn(apdu []byte, mem *decodeMem) error {
	*m = PrintSystemConfig{}
	var err error
	m.Fields, err = decodeFieldsOnly(apdu, CmdPrintSystemConfig, mem)
	return err
}

// Encode appends the APDU to dst.
func (m *PrintSystemConfig) Encode(dst []byte) ([]byte, error) {
	return encodeFieldsOnly(dst, CmdPrintSystemConfig, m.Fields)
}

func (m *PrintSystemConfig) items(v *viewer) []Item { return v.fields(m.Fields) }

// MarshalJSON writes the message as decoded fields with a "type" key.
func (m *PrintSystemConfig) MarshalJSON() ([]byte, error) { return marshalMessage(m) }

// Selftest (06 79, ECR → PT) runs the PT's self test; data, if any, is kept
// as BMPs.
type Selftest struct {
	Fields Fields
}

// ECR marks Selftest as a message the ECR sends.
func (*Selftest) ECR() {}

// Command returns the command Selftest is sent with.
func (*Selftest) Command() Command { return CmdSelftest }
func (*Selftest) typeName() string { return "selftest" }

// Decode reads the APDU.
func (m *Selftest) Decode(apdu []byte) error { return m.decodeIn(apdu, nil) }

func (m *Selftest) decodeIn(apdu []byte, mem *decodeMem) error {
	*m = Selftest{}
	var err error
	m.Fields, err = decodeFieldsOnly(apdu, CmdSelftest, mem)
	return err
}

// Encode appends the APDU to dst.
func (m *Selftest) Encode(dst []byte) ([]byte, error) {
	return encodeFieldsOnly(dst, CmdSelftest, m.Fields)
}

func (m *Selftest) items(v *viewer) []Item { return v.fields(m.Fields) }

// MarshalJSON writes the message as decoded fields with a "type" key.
func (m *Selftest) MarshalJSON() ([]byte, error) { return marshalMessage(m) }

// SetTimeECR (04 01, PT → ECR) sets the ECR clock after a Diagnosis:
// AA <YYMMDD> 0C <HHMMSS> (research/zvt.md §3). See [SetTimeECR.Time].
type SetTimeECR struct {
	Fields Fields
}

// PT marks SetTimeECR as a message the PT sends.
func (*SetTimeECR) PT() {}

// Command returns the command SetTimeECR is sent with.
func (*SetTimeECR) Command() Command { return CmdSetTimeECR }
func (*SetTimeECR) typeName() string { return "set_time" }

// Decode reads the APDU.
func (m *SetTimeECR) Decode(apdu []byte) error { return m.decodeIn(apdu, nil) }

func (m *SetTimeECR) decodeIn(apdu []byte, mem *decodeMem) error {
	*m = SetTimeECR{}
	var err error
	m.Fields, err = decodeFieldsOnly(apdu, CmdSetTimeECR, mem)
	return err
}

// Encode appends the APDU to dst.
func (m *SetTimeECR) Encode(dst []byte) ([]byte, error) {
	return encodeFieldsOnly(dst, CmdSetTimeECR, m.Fields)
}

func (m *SetTimeECR) items(v *viewer) []Item { return v.fields(m.Fields) }

// MarshalJSON writes the message as decoded fields with a "type" key.
func (m *SetTimeECR) MarshalJSON() ([]byte, error) { return marshalMessage(m) }

// NewSetDateTime returns a Set Date/Time of t (in t's location).
func NewSetDateTime(password string, t time.Time) *SetDateTime {
	m := &SetDateTime{Password: password}
	setDateTimeFields(&m.Fields, t)
	return m
}

// NewSetTimeECR returns a 04 01 carrying t.
func NewSetTimeECR(t time.Time) *SetTimeECR {
	m := &SetTimeECR{}
	setDateTimeFields(&m.Fields, t)
	return m
}

func setDateTimeFields(f *Fields, t time.Time) {
	f.SetUint(BMPDateYYMMDD, uint64(t.Year()%100*10000+int(t.Month())*100+t.Day()))
	f.SetUint(BMPTime, uint64(t.Hour()*10000+t.Minute()*100+t.Second()))
}

// Time returns the date and time sent (BMP AA, 0C) in loc; false when either
// is missing or invalid. Years are taken as 20YY.
func (m *SetDateTime) Time(loc *time.Location) (time.Time, bool) { return fieldsTime(m.Fields, loc) }

// Time returns the date and time sent (BMP AA, 0C) in loc; false when either
// is missing or invalid. Years are taken as 20YY.
func (m *SetTimeECR) Time(loc *time.Location) (time.Time, bool) { return fieldsTime(m.Fields, loc) }

func fieldsTime(f Fields, loc *time.Location) (time.Time, bool) {
	d, ok1 := f.Uint(BMPDateYYMMDD)
	c, ok2 := f.Uint(BMPTime)
	if !ok1 || !ok2 {
		return time.Time{}, false
	}
	y, mo, day := int(d/10000), int(d/100%100), int(d%100)
	h, mi, s := int(c/10000), int(c/100%100), int(c%100)
	if mo < 1 || mo > 12 || day < 1 || day > 31 || h > 23 || mi > 59 || s > 59 {
		return time.Time{}, false
	}
	if loc == nil {
		loc = time.Local
	}
	return time.Date(2000+y, time.Month(mo), day, h, mi, s, 0, loc), true
}
