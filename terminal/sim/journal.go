package sim

// Transaction states in the simulator's own journal.
const (
	StateApproved     = "approved"      // final: the ECR acknowledged the status information
	StateReversed     = "reversed"      // reversed by a Reversal 06 30
	StateAutoReversed = "auto_reversed" // the ECR never acknowledged the status information; the PT undid it
	StateDeclined     = "declined"      // the host or the PT declined it
	StateRefunded     = "refunded"      // a Refund 06 31 paid money back
	statePending      = "pending"       // approved by the host, waiting for the ECR's acknowledgement
)

// Txn is one payment the simulated terminal handled. It holds no card data.
type Txn struct {
	Receipt int    `json:"receipt"` // BMP 87; 0 for a declined payment
	Trace   int    `json:"trace"`   // BMP 0B
	Amount  int64  `json:"amount"`  // minor units
	State   string `json:"state"`   // approved, reversed, auto_reversed, declined
	// HostCode is the host's answer ("00", "55"); empty when the PT
	// declined before asking the host.
	HostCode string `json:"host_code,omitempty"`
	Result   byte   `json:"result"` // ZVT result code sent in BMP 27
	Settled  bool   `json:"settled,omitempty"`

	statusInfo []byte // the 04 0F APDU, for Repeat Receipt
}

// Journal returns a copy of every transaction, oldest first. A payment the
// ECR has not yet acknowledged shows as "pending".
func (t *Terminal) Journal() []Txn {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]Txn, len(t.journal))
	for i, x := range t.journal {
		out[i] = *x
		out[i].statusInfo = nil
	}
	return out
}

// Unreversed returns the approved transactions that were neither reversed
// nor auto-reversed nor settled by End-of-Day: the test payments a test
// left standing. Pending ones count too.
func (t *Terminal) Unreversed() []Txn {
	var out []Txn
	for _, x := range t.Journal() {
		if (x.State == StateApproved || x.State == statePending) && !x.Settled {
			out = append(out, x)
		}
	}
	return out
}

func (t *Terminal) findReceipt(receipt int) *Txn {
	for i := len(t.journal) - 1; i >= 0; i-- {
		if t.journal[i].Receipt == receipt && t.journal[i].Receipt != 0 {
			return t.journal[i]
		}
	}
	return nil
}
