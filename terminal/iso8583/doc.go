// Package iso8583 is the codec for the ISO 8583 messages between a China
// UnionPay (CUPS) POS terminal and its acquirer's host (POSP), as they appear
// in host logs and terminal debug logs, and the reader of such logs.
//
// It decodes and encodes the common UnionPay POS profile (research/iso8583.md
// §1–2): an optional 2-byte big-endian length, an optional TPDU (60, NII
// destination, source), the 6-byte message header, the MTI in BCD, the 64-bit
// primary bitmap (and the secondary one when bit 1 is set), then fields 2–64
// as the one field table in fields.go says (numeric fields and LL/LLL lengths
// in BCD, text in ASCII, field 55 as BER-TLV, field 60 in sub-fields).
//
// What it is not: it has no I/O and no connection to a host, and it knows
// nothing of what a response code means or what to do about it; that is the
// knowledge base (model), joined above this package by posdoctor decode,
// explain and the console.
//
// Decoding never fails a whole message for one bad field: a field that cannot
// be read, and everything after it, is kept raw in [Message.Rest] with the
// problem as a [*DecodeError] naming the field and the byte offset, and
// [Message.Encode] writes the bytes back as they were. Card data is masked in
// every view ([Explain], the text, JSON and the log reader): the PAN to its
// first six and last four digits, tracks 2 and 3 completely, and the PIN block
// (52) and MAC (64) are shown only as present with their length.
package iso8583
