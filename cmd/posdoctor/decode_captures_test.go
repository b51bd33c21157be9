package main

import (
	"context"
	"io/fs"
	"regexp"
	"strings"
	"testing"

	"github.com/posdoctor/posdoctor/fixtures"
	"github.com/posdoctor/posdoctor/fixtures/golden"
)

// The real Feig cVEND captures (fixtures/vectors/cap-feig-*.hex, from
// EVerest/zvt zvt/data; issue 12): every one decodes by its layout, text and
// JSON, against fixtures/traces/cap-*.txt and .json.

// captureOpen is the command a capture's Completion answers, where it is
// not in the file itself.
var captureOpen = map[string]string{
	"cap-feig-status-completion":      "0501",
	"cap-feig-system-info-completion": "0FA1",
}

// captureFacts are strings a capture's text output must show (issue 12's
// must-show: the card from track 2 masked, the AIDs named, the amount 12.95).
var captureFacts = map[string][]string{
	"cap-feig-read-card-track2":       {`23 track2: (19 bytes, masked)`, `pan: "672590*********0142"`, `expiry: "2412" (12/24)`, `1F45 ats:`, `1F4C card_type:`, `1F4D card_subtype:`, `1F4F mifare_atqa:`, `1F50 mifare_sak:`, `(girocard)`, `A0 00 00 00 04 30 60 (Maestro)`},
	"cap-feig-partial-reversal":       {`06 23  Partial Reversal`, `87 receipt_no: 491`, `04 amount: 1295 (12.95)`, `49 currency: 978`, `1F63 reference_number: "MF2246"`},
	"cap-feig-girocard-status":        {`22 pan: "471100*********8004"`, `0E expiry: "2612" (12/26)`},
	"cap-feig-auth-status-info":       {`22 pan: "559883******8074"`, `04 amount: 2500 (25.00)`},
	"cap-feig-write-file":             {`08 14  Write File`, `password: "******"`, `1F00 file_size: 3357255`},
	"cap-feig-request-for-data":       {`04 0C  Request For Data`, `1E start_position: 65000`},
	"cap-feig-change-host-config":     {`08 13  Change Configuration`, `FF40 password: "******"`, `FF41 host_configuration: "213.183.19.105:30401"`},
	"cap-feig-system-info-completion": {`device_id: "17FD1E3C"`, `software_version: "GER-APP-v2.0.9"`, `temperature: "24.4"`},
	"cap-feig-system-info-request":    {`0F A1  cVEND Functions`, `function: 00 01 (enhanced system information)`},
	"cap-feig-write-data-ack":         {`"uboot_sha256\":\"a3bb6ec8d72064c98de7013c7a2bcb047e15a757c890ea65037632c0aa2cec04\"`, `86b7b8362ba720a54abf87975294068522f1ab06`},
	"cap-feig-status-completion":      {`software_version: "GER-APP-v2.0.9;cS02.01.01-10.10-2-2;CC26"`, `1F44 tid: "52523535"`},
	"cap-feig-system-config":          {`"Terminal Serien-Nr.:            17F59B1F"`, `"IP:                       213.183.19.105"`, `"Port:                              30101"`},
}

// cardSecrets are the full card data in the captures: never in any output.
var cardSecrets = []string{
	"6725904411001000142", "67 25 90 44 11 00 10 00 14", "4711008005757038004", "47 11 00 80 05 75 70 38 00 4F",
	"12 34 56", // passwords (Registration, Write File, Change Configuration)
}

// notDecoded matches what a decoder shows when it could not place a field.
var notDecoded = regexp.MustCompile(`unknown|unparsed|\btag_[0-9a-f]+|\bbmp_[0-9a-f]+|error:|malformed`)

func TestDecodeCapturesGolden(t *testing.T) {
	t.Parallel()
	names, err := fs.Glob(fixtures.FS, "vectors/cap-*.hex")
	if err != nil || len(names) < 25 {
		t.Fatalf("captures: %v %v", names, err)
	}
	for _, file := range names {
		name := strings.TrimSuffix(strings.TrimPrefix(file, "vectors/"), ".hex")
		for _, format := range []string{"txt", "json"} {
			t.Run(name+"."+format, func(t *testing.T) {
				t.Parallel()
				f, out, errOut := testFactory()
				f.IO.In = strings.NewReader(decodeVector(t, name+".hex"))
				args := []string{"decode"}
				if open := captureOpen[name]; open != "" {
					args = append(args, "--open", open)
				}
				if format == "json" {
					args = append(args, "--json")
				}
				if code := run(context.Background(), args, f); code != exitOK || errOut.Len() != 0 {
					t.Fatalf("exit %d, stderr %q", code, errOut)
				}
				got := out.String()
				if m := notDecoded.FindString(got); m != "" {
					t.Errorf("output shows %q: a field was not decoded\n%s", m, got)
				}
				for _, s := range cardSecrets {
					if strings.Contains(got, s) {
						t.Errorf("output shows card data or a password %q", s)
					}
				}
				if format == "txt" {
					for _, want := range captureFacts[name] {
						if !strings.Contains(got, want) {
							t.Errorf("output lacks %q\n%s", want, got)
						}
					}
				}
				golden.Check(t, "../../fixtures/traces/"+name+"."+format, out.Bytes())
			})
		}
	}
}
