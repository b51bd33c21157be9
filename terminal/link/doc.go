// Package link moves whole ZVT APDUs over a byte link: the serial transport
// (DLE STX framing, CRC-16/KERMIT, ACK/NAK, T1/T2 and two repeats; PA00P016
// §3) and TCP or TLS (raw APDUs reassembled from the byte stream by their
// length; PA00P016 §5.2). It knows APDU lengths but nothing about message
// contents: that is terminal/zvt.
//
// The serial receiver is one pure state machine, [Deframer]: bytes in,
// [Event]s out (frames, ACK, NAK, skipped bytes, bad CRC naming its byte
// offset), no timers or goroutines. The live link (its T1 timer and its
// ACK/NAK answers around it), the simulator's terminal end (terminal/sim),
// [Unframe] and [SerialScanner], which reads recorded captures for
// `posdoctor decode`, all run it.
//
// Every APDU that Send takes and Receive returns is a whole APDU
// (CLASS INSTR LEN DATA). Returned slices are fresh and owned by the caller.
package link
