package zvt

import "testing"

// TestMessageTables checks that every constructor in ecrMessages and
// ptMessages makes the message of its key, and that isPTCommand holds for
// exactly the keys of ptMessages.
func TestMessageTables(t *testing.T) {
	t.Parallel()
	for c, mk := range ecrMessages {
		if got := mk().Command(); got != c {
			t.Errorf("ecrMessages[%s] makes %s", c.Hex(), got.Hex())
		}
		if isPTCommand(c) {
			t.Errorf("%s is in both tables", c.Hex())
		}
	}
	for c, mk := range ptMessages {
		if got := mk(CmdRegistration).Command(); got != c {
			t.Errorf("ptMessages[%s] makes %s", c.Hex(), got.Hex())
		}
	}
	for i := range 0x10000 {
		c := Command(i)
		if _, inTable := ptMessages[c]; isPTCommand(c) != inTable {
			t.Errorf("isPTCommand(%s) = %v, ptMessages has it: %v", c.Hex(), isPTCommand(c), inTable)
		}
	}
}
