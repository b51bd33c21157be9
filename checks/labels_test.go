package checks

import (
	"testing"

	"github.com/posdoctor/posdoctor/model"
	"github.com/posdoctor/posdoctor/terminal"
)

// TestValuesHaveLabels: every payment state and device state checks report
// has its zh and en label in the knowledge base (model.Label), so no front
// end prints a raw id.
func TestValuesHaveLabels(t *testing.T) {
	t.Parallel()
	need := map[model.LabelKind][]string{
		model.KindPayment: {TxnReversed, TxnDeclined, TxnNotBooked, TxnAlreadyReversed, TxnNotSent, TxnUnresolved, TxnPending,
			MoneyIntent, MoneyApproved, MoneyDeclined, MoneyReversed, MoneyUnknown, MoneyUnresolved, MoneyNotBooked},
	}
	for _, s := range []terminal.DeviceState{terminal.DeviceReady, terminal.DeviceNeedsInit, terminal.DeviceNoKeys, terminal.DeviceFraud, terminal.DeviceUnknown} {
		need[model.KindDeviceState] = append(need[model.KindDeviceState], s.String())
	}
	for kind, vals := range need {
		for _, v := range vals {
			tx, ok := model.LabelText(kind, v)
			if !ok || tx.Zh == "" || tx.En == "" {
				t.Errorf("%s %q has no zh and en label in model/kb/labels.yaml", kind, v)
			}
		}
	}
}
