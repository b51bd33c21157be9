package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/posdoctor/posdoctor/terminal/zvt"
)

// decode reads its hex as a stream: stdin in pieces of up to decodeChunk bytes, as they come,
// through a zvt.HexReader, so memory stays flat however long the trace is
// and each message prints once it is read.

const (
	// decodeChunk is how much input decode reads at a time.
	decodeChunk = 64 << 10
	// isoSniff is how much of the input decides between ZVT and ISO 8583
	// when --proto is not given: the first lines, not the whole input, so
	// that ZVT can be decoded while it is read.
	isoSniff = 64 << 10
)

// decodeInput is decode's input: the arguments, a paste read whole from a
// terminal, or stdin read as it comes.
type decodeInput struct {
	r     *bufio.Reader
	whole bool   // the input is in memory (arguments or a paste) ...
	text  string // ... and this is it: ZVT or ISO 8583 is told from all of it
	limit bool   // stdin: more than maxDecodeInput bytes is refused
	read  int    // bytes read so far
	buf   []byte
	eof   bool
	hex   zvt.HexReader
}

// openDecodeInput opens the arguments or stdin. On a terminal it waits
// for the paste (readInput).
func openDecodeInput(opts *DecodeOptions) (*decodeInput, error) {
	if len(opts.Args) > 0 {
		text := strings.Join(opts.Args, " ")
		return &decodeInput{r: bufio.NewReaderSize(strings.NewReader(text), decodeChunk), whole: true, text: text}, nil
	}
	if opts.IO.In == nil {
		return nil, &FlagError{errors.New("no input: give hex as arguments or on stdin")}
	}
	if opts.IO.InTTY && opts.Ctx != nil {
		b, err := readInput(opts)
		if err != nil {
			return nil, cantRun(fmt.Errorf("reading stdin: %w", err))
		}
		if len(b) > maxDecodeInput {
			return nil, errTooLarge()
		}
		return &decodeInput{r: bufio.NewReaderSize(bytes.NewReader(b), decodeChunk), whole: true, text: string(b)}, nil
	}
	in := io.LimitReader(opts.IO.In, maxDecodeInput+1)
	return &decodeInput{r: bufio.NewReaderSize(in, decodeChunk), limit: true}, nil
}

func errTooLarge() error {
	return cantRun(fmt.Errorf("input is larger than %d MB: split it", maxDecodeInput>>20))
}

// iso reports whether the input is to be read as ISO 8583: --proto says
// so, or without --proto and --serial the input reads as it: for stdin
// from a pipe or a file its first lines (all of it when it is shorter than
// isoSniff), for arguments and a paste all of it.
func (in *decodeInput) iso(opts *DecodeOptions) bool {
	switch {
	case opts.Proto == "iso8583":
		return true
	case opts.Proto != "" || opts.Serial:
		return false
	}
	if in.whole {
		return looksISO8583(in.text)
	}
	head, err := in.r.Peek(isoSniff)
	if err == nil { // more follows: the whole lines of the head
		if i := bytes.LastIndexByte(head, '\n'); i >= 0 {
			head = head[:i+1]
		}
	}
	return looksISO8583(string(head))
}

// readAll reads the rest of the input as text (for ISO 8583, read whole).
func (in *decodeInput) readAll() (string, error) {
	b, err := io.ReadAll(in.r)
	if err != nil {
		return "", cantRun(fmt.Errorf("reading stdin: %w", err))
	}
	if in.limit && len(b) > maxDecodeInput {
		return "", errTooLarge()
	}
	return string(b), nil
}

// next returns the next piece of input and whether it is the last. The
// piece is valid until the next call.
func (in *decodeInput) next() ([]byte, bool, error) {
	if in.eof {
		return nil, true, nil
	}
	if in.buf == nil {
		in.buf = make([]byte, decodeChunk)
	}
	n, err := in.r.Read(in.buf)
	in.read += n
	switch {
	case in.limit && in.read > maxDecodeInput:
		return nil, false, errTooLarge()
	case err == io.EOF:
		in.eof = true
		return in.buf[:n], true, nil
	case err != nil:
		msg := fmt.Errorf("reading stdin: %w", err)
		return nil, false, cantRun(msg)
	}
	return in.buf[:n], false, nil
}
