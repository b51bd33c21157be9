package zvt_test

import (
	"reflect"
	"testing"

	"github.com/posdoctor/posdoctor/terminal/zvt"
)

// TestExplainerEqualsExplain: one Explainer explaining every vector one
// after the other, masked and not, big after small and small after big,
// gives each time the view Explain gives, and Masked is the view's hex.
// Memory kept from one message must never show in the next.
func TestExplainerEqualsExplain(t *testing.T) {
	t.Parallel()
	apdus := zvt.RawVectorAPDUs(t)
	for _, omit := range []bool{false, true} {
		e := &zvt.Explainer{OmitHex: omit}
		for round := range 2 {
			for i := range apdus {
				apdu := apdus[i]
				if round == 1 {
					apdu = apdus[len(apdus)-1-i]
				}
				for _, unmask := range []bool{false, true} {
					opts := zvt.ViewOptions{Unmask: unmask}
					want, wantErr := zvt.Explain(apdu, opts)
					got, gotErr := e.Explain(apdu, opts)
					if zvt.Hex(e.Masked()) != want.Hex {
						t.Fatalf("% X: Masked is %s, the view shows %s", apdu, zvt.Hex(e.Masked()), want.Hex)
					}
					if omit {
						if got.Hex != "" {
							t.Fatalf("OmitHex: the view has hex %s", got.Hex)
						}
						got.Hex = want.Hex
					}
					if !reflect.DeepEqual(got, want) || (gotErr == nil) != (wantErr == nil) {
						t.Fatalf("% X (unmask %v): Explainer gives\n%+v, %v\nExplain gives\n%+v, %v", apdu, unmask, got, gotErr, want, wantErr)
					}
				}
			}
		}
	}
}

// TestAppendHexIsHex: AppendHex appends what Hex returns, after what dst holds.
func TestAppendHexIsHex(t *testing.T) {
	t.Parallel()
	for _, b := range [][]byte{nil, {0}, {0x06, 0xD3, 0xFF}} {
		if got, want := string(zvt.AppendHex([]byte("x:"), b)), "x:"+zvt.Hex(b); got != want {
			t.Errorf("AppendHex(x:, % X) = %q, want %q", b, got, want)
		}
	}
}
