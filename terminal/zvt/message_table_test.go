package zvt

import "testing"

// TestMessageTables checks that every constructor in ecrMessages and
// ptMessages makes the message of its key, and that the PT table holds
// exactly the PT → ECR commands.
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
	for _, c := range []Command{CmdCompletion, CmdAbortPT, CmdStatusInfo, CmdIntermediate, CmdPrintLine, CmdPrintTextBlock, CmdSetTimeECR} {
		if !isPTCommand(c) {
			t.Errorf("isPTCommand(%s) = false", c.Hex())
		}
	}
	for _, c := range []Command{CmdAck, CmdNack | 0x05, CmdRegistration, Command(0x0FFF)} {
		if isPTCommand(c) {
			t.Errorf("isPTCommand(%s) = true", c.Hex())
		}
	}
}
