package zvt

import "fmt"

// Code tables of research/zvt.md §4. Unknown codes are shown raw as
// "unknown (0xNN)" and never make decoding fail.

// ResultCodeText names a result code (BMP 27, 06 1E data, 84 xx; §4.1).
// 01–63 are host codes 1–99 decimal.
func ResultCodeText(c byte) string {
	if c >= 0x01 && c <= 0x63 {
		return fmt.Sprintf("host response code %02d", c)
	}
	return lookup(resultCodes, c)
}

// TerminalStatusText names a Status Enquiry terminal status byte (§4.3).
func TerminalStatusText(c byte) string { return lookup(terminalStatus, c) }

// IntermediateText names an intermediate status code (04 FF, §4.4),
// including Ingenico's A0–A5.
func IntermediateText(c byte) string {
	if s, ok := intermediate[c]; ok {
		return s
	}
	// 41–5D, 66, 67: the same as 01–1D, 26, 27 plus "please remove card".
	if c >= 0x41 && c <= 0x5D || c == 0x66 || c == 0x67 {
		if s, ok := intermediate[c-0x40]; ok {
			return s + ", please remove card"
		}
	}
	return fmt.Sprintf("unknown (0x%02X)", c)
}

// DeviceStateText names TLV 1F43 (0 ready, 1 init needed, 2 no keys, 3
// fraud).
func DeviceStateText(c byte) string { return lookup(deviceStates, c) }

// CardTypeText names a ZVT card type id (BMP 8A / TLV 41, spec ch. 12).
func CardTypeText(c byte) string { return lookup(cardTypes, c) }

func lookup(m map[byte]string, c byte) string {
	if s, ok := m[c]; ok {
		return s
	}
	return fmt.Sprintf("unknown (0x%02X)", c)
}

var resultCodes = map[byte]string{
	0x00: "no error",
	0x64: "card not readable (LRC/parity error)",
	0x65: "card data not present",
	0x66: "processing error",
	0x67: "function not permitted for ec and Maestro cards",
	0x68: "function not permitted for credit and tank cards",
	0x6A: "turnover file full",
	0x6B: "function deactivated (PT not registered)",
	0x6C: "abort via timeout or abort key",
	0x6E: "card in blocked list",
	0x6F: "wrong currency",
	0x71: "credit not sufficient (chip card)",
	0x72: "chip error",
	0x73: "card data incorrect",
	0x74: "DUKPT engine exhausted",
	0x75: "text not authentic",
	0x76: "PAN not in white list",
	0x77: "end-of-day batch not possible",
	0x78: "card expired",
	0x79: "card not yet valid",
	0x7A: "card unknown",
	0x7B: "fallback to magnetic stripe not possible (girocard)",
	0x7C: "fallback to magnetic stripe not possible (other cards)",
	0x7D: "communication error",
	0x7E: "fallback to magnetic stripe not possible, debit advice possible",
	0x83: "function not possible",
	0x85: "key missing",
	0x89: "PIN pad defective",
	0x9A: "ZVT protocol error",
	0x9B: "error from dial-up/communication fault",
	0x9C: "please wait",
	0xA0: "receiver not ready",
	0xA1: "remote station does not respond",
	0xA3: "no connection",
	0xA4: "submission of Geldkarte not possible",
	0xA5: "function not allowed due to PCI-DSS/P2PE rules",
	0xB1: "memory full",
	0xB2: "merchant journal full",
	0xB4: "already reversed",
	0xB5: "reversal not possible",
	0xB7: "pre-authorisation incorrect (amount too high) or amount wrong",
	0xB8: "error pre-authorisation",
	0xBF: "voltage supply too low",
	0xC0: "card locking mechanism defective",
	0xC1: "merchant card locked",
	0xC2: "diagnosis required",
	0xC3: "maximum amount exceeded",
	0xC4: "card profile invalid",
	0xC5: "payment method not supported",
	0xC6: "currency not applicable",
	0xC8: "amount too small",
	0xC9: "maximum transaction amount too small",
	0xCB: "function only allowed in EURO",
	0xCC: "printer not ready",
	0xCD: "cashback not possible",
	0xD2: "function not permitted for service cards",
	0xDC: "card inserted",
	0xDD: "error during card eject",
	0xDE: "error during card insertion",
	0xE0: "remote maintenance activated",
	0xE2: "card reader does not answer / card reader defective",
	0xE3: "shutter closed",
	0xE4: "terminal activation required",
	0xE7: "min. one goods group not found",
	0xE8: "no goods-groups table loaded",
	0xE9: "restriction code not permitted",
	0xEA: "card code not permitted",
	0xEB: "function not executable (PIN algorithm unknown)",
	0xEC: "PIN processing not possible",
	0xED: "PIN pad defective",
	0xF0: "open end-of-day batch present",
	0xF1: "ec-cash/Maestro offline error",
	0xF5: "OPT error",
	0xF6: "OPT data not available",
	0xFA: "error transmitting offline transactions",
	0xFB: "turnover data set defective",
	0xFC: "necessary device not present or defective",
	0xFD: "baud rate not supported",
	0xFE: "register unknown",
	0xFF: "system error (see TLV 1F16/1F17)",
}

var terminalStatus = map[byte]string{
	0x00: "ready",
	0x51: "initialisation required",
	0x62: "date/time incorrect",
	0x9C: "please wait (e.g. software update)",
	0x9D: "partial issue of goods",
	0xB1: "memory full",
	0xB2: "merchant journal full",
	0xBF: "voltage supply too low",
	0xC0: "card locking mechanism defective",
	0xC1: "merchant card locked",
	0xC2: "diagnosis required",
	0xC4: "card profile invalid",
	0xCC: "printer not ready",
	0xDC: "card inserted",
	0xDF: "out of order",
	0xE0: "remote maintenance activated",
	0xE1: "card not completely removed",
	0xE2: "card reader does not answer / card reader defective",
	0xE3: "shutter closed",
	0xE4: "terminal activation required",
	0xF0: "reconciliation required",
	0xF6: "OPT data not available",
}

var intermediate = map[byte]string{
	0x00: "PT is waiting for amount confirmation",
	0x01: "please watch PIN pad",
	0x02: "please watch PIN pad",
	0x03: "not accepted",
	0x04: "PT is waiting for response from FEP",
	0x05: "PT is sending auto-reversal",
	0x06: "PT is sending post-bookings",
	0x07: "card not admitted",
	0x08: "card unknown / undefined",
	0x09: "expired card",
	0x0A: "insert card",
	0x0B: "please remove card",
	0x0C: "card not readable",
	0x0D: "processing error",
	0x0E: "please wait",
	0x0F: "PT is commencing an automatic end-of-day batch",
	0x10: "invalid card",
	0x11: "balance display",
	0x12: "system malfunction",
	0x13: "payment not possible",
	0x14: "credit not sufficient",
	0x15: "incorrect PIN",
	0x16: "limit not sufficient",
	0x17: "please wait",
	0x18: "PIN try limit exceeded",
	0x19: "card data incorrect",
	0x1A: "service mode",
	0x1B: "approved, please fill up",
	0x1C: "approved, please take goods",
	0x1D: "declined",
	0x26: "PT is waiting for input of the mobile number",
	0x27: "PT is waiting for repeat of mobile number",
	0x28: "currency selection, please wait",
	0x29: "language selection, please wait",
	0x2A: "for loading please insert card",
	0x2B: "emergency transaction, please wait",
	0x2C: "application selection, please wait",
	0x68: "card inserted detected",
	0x69: "select DCC",
	0xA0: "payment processed (Ingenico)",
	0xA1: "payment processed, please remove card (Ingenico)",
	0xA2: "cancellation successful (Ingenico)",
	0xA3: "cancellation successful, please remove card (Ingenico)",
	0xA4: "cancellation not possible (Ingenico)",
	0xA5: "cancellation not possible, please remove card (Ingenico)",
	0xC7: "PT is waiting for input of the mileage",
	0xC8: "PT is waiting for cashier",
	0xC9: "PT is commencing an automatic diagnosis",
	0xCA: "PT is commencing an automatic initialisation",
	0xCB: "merchant journal full",
	0xCC: "debit advice not possible, PIN required",
	0xD2: "connecting dial-up",
	0xD3: "dial-up connection made",
	0xE0: "PT is waiting for application selection",
	0xE1: "PT is waiting for language selection",
	0xE2: "PT requests to use the cleaning card",
	0xF1: "offline",
	0xF2: "online",
	0xF3: "offline transaction",
	0xFF: "no appropriate ZVT status code matches, see TLV tags 24 and 07",
}

var deviceStates = map[byte]string{
	0: "ready", 1: "initialisation needed", 2: "no keys", 3: "fraud",
}

var cardTypes = map[byte]string{
	5: "girocard", 6: "Mastercard", 8: "American Express", 10: "Visa", 11: "Visa Electron",
	12: "Diners", 13: "V PAY", 14: "JCB", 30: "Geldkarte", 46: "Maestro",
}
