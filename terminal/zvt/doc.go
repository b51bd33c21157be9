// Package zvt is the ZVT (ECR interface, PA00P015/PA00P016) codec for both
// sides of the wire, the console (ECR) and the simulator (PT), plus the
// session state machine and the [terminal.Driver] built on it.
//
// The codec turns APDUs into one Go type per message and back:
// [ReadAPDU]/[AppendAPDU] handle the header and the 1-byte or FF lo hi
// little-endian length (PA00P016 §5.2); a table of BMPs (spec ch. 13) drives
// one decode loop for fixed, BCD, LLVAR, LLLVAR and TLV fields ([Fields]); BMP
// 06 holds BER TLV data objects ([TLVList], spec ch. 9). ECR → PT messages
// implement [ECRMessage], PT → ECR messages [PTMessage]; 80 00 ([Ack]), 84 xx
// ([Nack]) and unknown commands ([RawAPDU]) implement both. Decode keeps
// references into its input; Encode appends. Unknown BMPs, TLV tags and
// commands are kept raw and written back byte for byte.
//
// The Completion 06 0F has a different shape after a Status Enquiry, so its
// decoder is told which command is open ([DecodeCompletion],
// [DecodeStatusCompletion]); it never guesses.
//
// Errors are [*DecodeError] values naming the message, the field and the byte
// offset, wrapping [ErrShort], [ErrLength], [ErrBCD], [ErrDepth] or
// [ErrFormat]. Decoders never panic and never allocate from a length on the
// wire.
//
// Card data is masked for people: [Mask] for bytes, [Describe], [Explain],
// [Trace] and every MarshalJSON for decoded text. Text uses CP437 unless
// another [Charset] is chosen.
//
// The package does no framing and no I/O of its own: serial DLE/STX framing,
// CRC and TCP reassembly live in terminal/link, which the session reaches
// through the Transport interface. Facts and byte vectors:
// shared/research/zvt.md.
package zvt
