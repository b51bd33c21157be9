package terminal

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

func TestPANMasksOnConstruction(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"6228480000000000018", "622848*********0018"},
		{"4111111111111111", "411111******1111"},
		{"559883EEEEEE8074", "559883******8074"}, // already masked by the terminal
		{"1234567890", "******7890"},             // too short to keep a BIN
		{"123", "123"},
		{"", ""},
	}
	for _, tt := range tests {
		p := NewPAN(tt.in)
		if p.String() != tt.want {
			t.Errorf("NewPAN(%q) = %q, want %q", tt.in, p, tt.want)
		}
		for _, out := range []string{fmt.Sprint(p), fmt.Sprintf("%v %+v", p, struct{ P PAN }{p})} {
			if len(tt.in) > 10 && strings.Contains(out, tt.in) {
				t.Errorf("formatted PAN %q leaks %q", out, tt.in)
			}
		}
	}
}

func TestPANJSONNeverFull(t *testing.T) {
	t.Parallel()
	const full = "6228480000000000018"
	b, err := json.Marshal(Card{PAN: NewPAN(full)})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), full) || !strings.Contains(string(b), "622848*********0018") {
		t.Errorf("json = %s", b)
	}
	// A full PAN in a file is masked again when read.
	var c Card
	if err := json.Unmarshal([]byte(`{"pan":"`+full+`"}`), &c); err != nil {
		t.Fatal(err)
	}
	if c.PAN.String() != "622848*********0018" || c.PAN.Last4() != "0018" {
		t.Errorf("unmarshalled PAN = %q", c.PAN)
	}
}
