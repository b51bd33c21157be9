package zvt

import "fmt"

// Feig cVEND extensions (Feig "cVEND ZVT specifics" manual §5.1, §6.3,
// §6.7–6.16, as implemented by EVerest/zvt zvt/src/feig/packets and seen in
// its captures zvt/data/*.blob):
//
//	cVEND Functions 0F A1 (ECR → PT):       [<password 3 BCD>] <function 2 bytes big-endian>; 0001 = enhanced system information
//	Completion of 0F A1 0001 (PT → ECR):    <device id 8 ASCII> <software version 17 ASCII> <TID 8 ASCII> [<battery voltage 4 ASCII>] <temperature 3–4 ASCII>
//	Request For Data 04 0C (PT → ECR):      [06 TLV 2D{1D file id, 1E offset}]
//	Write File 08 14 (ECR → PT):            <password 3 BCD> [06 TLV 2D{1D file id, 1F00 size}…]; the ECR answers 04 0C with 80 00 06 TLV 2D{1D, 1E, 1C block}
//	Change Configuration 08 13 (ECR → PT):  06 TLV E4{FF40 password, FF41 host: IP 4, port 2 big-endian, config byte}

// Feig commands.
const (
	CmdFeigFunctions       Command = 0x0FA1
	CmdRequestForData      Command = 0x040C
	CmdWriteFile           Command = 0x0814
	CmdChangeConfiguration Command = 0x0813
)

// Feig cVEND function numbers (0F A1).
const (
	FeigSystemInfo   uint16 = 0x0001
	FeigFactoryReset uint16 = 0x0255
)

var feigFunctionNames = map[uint16]string{
	FeigSystemInfo:   "enhanced system information",
	FeigFactoryReset: "factory reset",
}

// FeigFunctions is cVEND Functions 0F A1 (ECR → PT).
type FeigFunctions struct {
	Password string // 6 digits; "" when not sent (enhanced system information)
	Function uint16
}

// ECR marks FeigFunctions as a message the ECR sends.
func (*FeigFunctions) ECR() {}

// Command returns 0F A1.
func (*FeigFunctions) Command() Command { return CmdFeigFunctions }
func (*FeigFunctions) typeName() string { return "feig_functions" }

// Decode reads the APDU: 2 data bytes are the function alone, 5 a password
// and the function.
func (m *FeigFunctions) Decode(apdu []byte) error {
	*m = FeigFunctions{}
	r, a, err := openAPDU(apdu, CmdFeigFunctions)
	if err != nil {
		return err
	}
	if len(a.Data) == 5 {
		m.Password = r.password()
	}
	fn := r.take("function", 2)
	if fn != nil {
		m.Function = uint16(fn[0])<<8 | uint16(fn[1])
	}
	if r.more() {
		r.err = errAt("function", r.off, ErrLength, "%d bytes after the function", len(r.b)-r.off)
	}
	return r.done(CmdFeigFunctions)
}

// Encode appends the APDU to dst.
func (m *FeigFunctions) Encode(dst []byte) ([]byte, error) {
	dst, start := beginAPDU(dst, CmdFeigFunctions)
	if m.Password != "" {
		var err error
		if dst, err = appendPassword(dst, m.Password); err != nil {
			return dst[:start], &EncodeError{Msg: msgName(CmdFeigFunctions), Field: "password", Err: err}
		}
	}
	dst = append(dst, byte(m.Function>>8), byte(m.Function))
	return finishAPDU(dst, start)
}

func (m *FeigFunctions) items(v *viewer) []Item {
	var out []Item
	if m.Password != "" {
		out = append(out, v.password(m.Password))
	}
	return append(out, Item{Name: "function", Hex: fmt.Sprintf("%02X %02X", byte(m.Function>>8), byte(m.Function)),
		Text: feigFunctionNames[m.Function]})
}

// MarshalJSON writes the message as decoded fields with a "type" key.
func (m *FeigFunctions) MarshalJSON() ([]byte, error) { return marshalMessage(m) }

// RequestForData is Feig's Request For Data 04 0C (PT → ECR): the terminal
// asks for the next block of a file being written (Write File 08 14).
type RequestForData struct{ Fields Fields }

// PT marks RequestForData as a message the PT sends.
func (*RequestForData) PT() {}

// Command returns 04 0C.
func (*RequestForData) Command() Command { return CmdRequestForData }
func (*RequestForData) typeName() string { return "request_for_data" }

// Decode reads the APDU.
func (m *RequestForData) Decode(apdu []byte) error { return m.decodeIn(apdu, nil) }

func (m *RequestForData) decodeIn(apdu []byte, mem *decodeMem) (err error) {
	*m = RequestForData{}
	m.Fields, err = decodeFieldsOnly(apdu, CmdRequestForData, mem)
	return err
}

// Encode appends the APDU to dst.
func (m *RequestForData) Encode(dst []byte) ([]byte, error) {
	return encodeFieldsOnly(dst, CmdRequestForData, m.Fields)
}

func (m *RequestForData) items(v *viewer) []Item { return v.fields(m.Fields) }

// MarshalJSON writes the message as decoded fields with a "type" key.
func (m *RequestForData) MarshalJSON() ([]byte, error) { return marshalMessage(m) }

// WriteFile is Feig's Write File 08 14 (ECR → PT): a software update's file
// list, after which the PT asks for each block with 04 0C.
type WriteFile struct {
	Password string // 6 digits
	Fields   Fields
}

// ECR marks WriteFile as a message the ECR sends.
func (*WriteFile) ECR() {}

// Command returns 08 14.
func (*WriteFile) Command() Command { return CmdWriteFile }
func (*WriteFile) typeName() string { return "write_file" }

// Decode reads the APDU.
func (m *WriteFile) Decode(apdu []byte) error { return m.decodeIn(apdu, nil) }

func (m *WriteFile) decodeIn(apdu []byte, mem *decodeMem) (err error) {
	*m = WriteFile{}
	m.Password, m.Fields, err = decodePwdFields(apdu, CmdWriteFile, true, mem)
	return err
}

// Encode appends the APDU to dst.
func (m *WriteFile) Encode(dst []byte) ([]byte, error) {
	return encodePwdFields(dst, CmdWriteFile, m.Password, true, m.Fields)
}

func (m *WriteFile) items(v *viewer) []Item {
	return append([]Item{v.password(m.Password)}, v.fields(m.Fields)...)
}

// MarshalJSON writes the message as decoded fields with a "type" key.
func (m *WriteFile) MarshalJSON() ([]byte, error) { return marshalMessage(m) }

// ChangeConfiguration is Feig's Change Configuration 08 13 (ECR → PT), e.g.
// the host's IP address and port.
type ChangeConfiguration struct{ Fields Fields }

// ECR marks ChangeConfiguration as a message the ECR sends.
func (*ChangeConfiguration) ECR() {}

// Command returns 08 13.
func (*ChangeConfiguration) Command() Command { return CmdChangeConfiguration }
func (*ChangeConfiguration) typeName() string { return "change_configuration" }

// Decode reads the APDU.
func (m *ChangeConfiguration) Decode(apdu []byte) error { return m.decodeIn(apdu, nil) }

func (m *ChangeConfiguration) decodeIn(apdu []byte, mem *decodeMem) (err error) {
	*m = ChangeConfiguration{}
	m.Fields, err = decodeFieldsOnly(apdu, CmdChangeConfiguration, mem)
	return err
}

// Encode appends the APDU to dst.
func (m *ChangeConfiguration) Encode(dst []byte) ([]byte, error) {
	return encodeFieldsOnly(dst, CmdChangeConfiguration, m.Fields)
}

func (m *ChangeConfiguration) items(v *viewer) []Item { return v.fields(m.Fields) }

// MarshalJSON writes the message as decoded fields with a "type" key.
func (m *ChangeConfiguration) MarshalJSON() ([]byte, error) { return marshalMessage(m) }

// SystemInfo is the fixed-layout part of a Completion answering
// 0F A1 0001 (enhanced system information), as text.
type SystemInfo struct {
	DeviceID, SoftwareVersion, TID, BatteryVoltage, Temperature []byte
}

// systemInfoLayout is the Completion's layout: field, width (0: the rest).
// The battery voltage is there only when more than 4 bytes follow the TID;
// the temperature is 3 or 4 bytes (Feig sends 3 below 10 °C).
var systemInfoLayout = [...]struct {
	name  string
	width int
}{{"device_id", 8}, {"software_version", 17}, {"tid", 8}, {"battery_voltage", 4}, {"temperature", 0}}

// decodeSystemInfo reads the enhanced system information form of the
// Completion's data (after the header), or returns false when data is not
// that form (too short, or not text).
func decodeSystemInfo(data []byte) (SystemInfo, bool) {
	if len(data) < 36 || len(data) > 41 || !isText(data) {
		return SystemInfo{}, false
	}
	var parts [len(systemInfoLayout)][]byte
	off := 0
	for i, f := range systemInfoLayout {
		n := f.width
		if f.name == "battery_voltage" && len(data)-off <= 4 {
			n = 0
		} else if n == 0 {
			n = len(data) - off
		}
		parts[i] = data[off : off+n : off+n]
		off += n
	}
	return SystemInfo{DeviceID: parts[0], SoftwareVersion: parts[1], TID: parts[2], BatteryVoltage: parts[3], Temperature: parts[4]}, true
}

func (s SystemInfo) items() []Item {
	vals := [...][]byte{s.DeviceID, s.SoftwareVersion, s.TID, s.BatteryVoltage, s.Temperature}
	var out []Item
	for i, f := range systemInfoLayout {
		if f.name == "battery_voltage" && len(vals[i]) == 0 {
			continue
		}
		out = append(out, Item{Name: f.name, Value: trimText(string(vals[i]))})
	}
	return out
}

func (s SystemInfo) append(dst []byte) []byte {
	for _, v := range [...][]byte{s.DeviceID, s.SoftwareVersion, s.TID, s.BatteryVoltage, s.Temperature} {
		dst = append(dst, v...)
	}
	return dst
}
