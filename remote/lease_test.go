package remote

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestLeaseOneHolderAtATime: a second taker waits, is told who holds the
// terminal, and gets it only once the first gives it back.
func TestLeaseOneHolderAtATime(t *testing.T) {
	l := NewLease(func() time.Time { return time.Date(2026, 12, 2, 9, 41, 0, 0, time.UTC) })
	release, ok := l.TryAcquire("alice")
	if !ok {
		t.Fatal("a free lease was refused")
	}
	if _, ok := l.TryAcquire("bob"); ok {
		t.Fatal("a held lease was given to a second taker")
	}
	told := make(chan Holder, 1)
	got := make(chan func(), 1)
	go func() {
		r, err := l.Acquire(context.Background(), "bob", func(h Holder) { told <- h })
		if err != nil {
			t.Error(err)
		}
		got <- r
	}()
	if h := <-told; h.Name != "alice" {
		t.Fatalf("bob was told %q holds the terminal, want alice", h.Name)
	}
	select {
	case <-got:
		t.Fatal("bob got the terminal while alice held it")
	case <-time.After(100 * time.Millisecond):
	}
	release()
	release() // harmless twice
	r := <-got
	if h, ok := l.Holder(); !ok || h.Name != "bob" {
		t.Fatalf("holder %+v %v, want bob", h, ok)
	}
	r()
	if _, ok := l.Holder(); ok {
		t.Fatal("the lease is still held after bob gave it back")
	}
}

// TestLeaseGiveUpKeepsHolder: a taker that stops waiting gets ctx's error
// and the lease stays with its holder.
func TestLeaseGiveUpKeepsHolder(t *testing.T) {
	l := NewLease(nil)
	if _, ok := l.TryAcquire("alice (SHA256:abc)"); !ok {
		t.Fatal("refused")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if r, err := l.Acquire(ctx, "bob", nil); err == nil || r != nil {
		t.Fatalf("Acquire: err %v (release set: %t) while alice holds it; want ctx's error", err, r != nil)
	}
	if h, ok := l.Holder(); !ok || h.Name != "alice (SHA256:abc)" {
		t.Fatalf("holder %+v %v after bob gave up, want alice", h, ok)
	}
}

// TestTurnEndedBeforeTheLeaseCame: a lease that comes through after the
// login ended goes straight back.
func TestTurnEndedBeforeTheLeaseCame(t *testing.T) {
	l := NewLease(nil)
	tn := &turn{}
	tn.end()
	r, _ := l.TryAcquire("gone")
	if tn.take(r) {
		t.Fatal("an ended login kept the terminal")
	}
	if _, ok := l.Holder(); ok {
		t.Fatal("the terminal was not given back")
	}
}

// TestJoinCodeInstructionIsASCII: OpenSSH shows a keyboard-interactive
// instruction with non-ASCII bytes as octal escapes, so the Chinese text
// is in the prompt, which it shows as sent.
func TestJoinCodeInstructionIsASCII(t *testing.T) {
	var instr string
	var prompts []string
	ok := codeHandler(NewJoinCodes(nil))(nil, func(_, in string, qs []string, _ []bool) ([]string, error) {
		instr, prompts = in, qs
		return []string{"00000000"}, nil
	})
	if ok {
		t.Fatal("a code never issued got in")
	}
	for _, r := range instr {
		if r > 0x7e {
			t.Fatalf("instruction %q has non-ASCII %q", instr, r)
		}
	}
	if len(prompts) != 1 || !strings.Contains(prompts[0], "加入码") || !strings.Contains(prompts[0], "join code") {
		t.Fatalf("prompts %q, want one in both languages", prompts)
	}
}
