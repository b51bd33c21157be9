package zvt

import (
	"fmt"
	"reflect"
	"testing"
)

// TestDecodeInEqualsDecode: decoding every vector into one decodeMem, reset
// before each message as an Explainer does, big after small and small after
// big, gives the message Decode gives, for each form of Completion.
func TestDecodeInEqualsDecode(t *testing.T) {
	t.Parallel()
	apdus := RawVectorAPDUs(t)
	var mem decodeMem
	for round := range 2 {
		for i := range apdus {
			apdu := apdus[i]
			if round == 1 {
				apdu = apdus[len(apdus)-1-i]
			}
			for _, open := range []Command{0, CmdStatusEnquiry, CmdAuthorization, CmdFeigFunctions} {
				want, wantErr := DecodeMessage(apdu, open)
				mem.reset()
				got, gotErr := decodeMessageIn(apdu, open, &mem)
				if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) || !reflect.DeepEqual(got, want) {
					t.Fatalf("% X (open %s): in memory\n%+v, %v\nDecode\n%+v, %v", apdu, open.Hex(), got, gotErr, want, wantErr)
				}
			}
		}
	}
}

// TestMessagesWithFieldsDecodeInMemory: every message that carries BMPs
// can be decoded into a decodeMem (an Explainer's): one added without
// decodeIn would still decode, but into fresh memory each time.
func TestMessagesWithFieldsDecodeInMemory(t *testing.T) {
	t.Parallel()
	var msgs []Message
	for _, mk := range ecrMessages {
		msgs = append(msgs, mk())
	}
	for _, mk := range ptMessages {
		msgs = append(msgs, mk(0))
	}
	msgs = append(msgs, &Ack{}, &Nack{}, &RawAPDU{})
	for _, m := range msgs {
		_, hasFields := reflect.TypeOf(m).Elem().FieldByName("Fields")
		if _, ok := m.(memDecoder); hasFields && !ok {
			t.Errorf("%T has Fields but no decodeIn", m)
		}
	}
}
