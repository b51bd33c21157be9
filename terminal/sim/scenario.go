package sim

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/posdoctor/posdoctor/fixtures"
	"github.com/posdoctor/posdoctor/terminal"
)

// Scenario is one simulated terminal: its identity, the cards presented to
// it, how its host answers and which faults it shows. Load it with [Load];
// the file format is documented in fixtures/README.md.
type Scenario struct {
	Name        string
	Description string
	// DescriptionZh is the description in Chinese (shown when the console
	// speaks zh).
	DescriptionZh string
	// Source cites the article (seeds file and section) or research note
	// the scenario reproduces.
	Source string
	// File is where the scenario was read from ("scenarios/healthy.yaml"
	// for built-ins).
	File string

	Identity Identity
	// Password is the 6-digit ZVT password (BMP-less 3 BCD bytes on the wire).
	Password string
	// PasswordError is the APRC of the `84 xx 00` answer to a wrong password.
	PasswordError byte
	// Currency is the ISO 4217 numeric currency of the terminal.
	Currency int
	// Cards are the virtual cards; Cards[0] is the default.
	Cards []Card
	// Host are the host answers, first match wins; no match approves.
	Host []HostRule
	// Diagnosis is the outcome of Diagnosis 06 70.
	Diagnosis Outcome
	// Initialisation is the outcome of Initialisation 06 93.
	Initialisation Outcome
	// Latency is the delay before the PT answers each command, by command
	// name (see [LatencyKeys]); "host" delays every host answer.
	Latency map[string]time.Duration
	// Faults switched on by the scenario file.
	Faults []Fault
}

// Identity is what the terminal says about itself (Status Enquiry).
type Identity struct {
	Model           string
	Serial          string
	TID             string // 8 digits
	SoftwareVersion string
	Status          byte // terminal status byte, research/zvt.md §4.3
	DeviceState     terminal.DeviceState
	// Time is the terminal's clock at start; zero means the real clock.
	Time time.Time
	// Charset of texts on the wire: cp437 (default), iso-8859-1, utf-8.
	Charset string
}

// Card is a virtual card presented at Read Card and Authorization.
type Card struct {
	Name       string
	PAN        string // full test PAN: never printed, only sent on the wire
	Expiry     string // YYMM
	Technology terminal.Technology
	Readable   bool
	// ReadError is the ZVT result code when the card cannot be read
	// (default 0x64 card not readable).
	ReadError byte
	// PINTries left; 0 means the PIN is locked (the PT answers host 75).
	PINTries int
	// CardType is the ZVT card-type id (BMP 8A): 5 girocard, 6 Mastercard, 10 Visa…
	CardType byte
	// CardName is BMP 8B, e.g. "UnionPay".
	CardName string
	// Track2Only makes Read Card and payments send the card as track 2
	// (BMP 23) without BMP 22 and 0E, as a Feig cVEND does (research/zvt.md
	// §5 V11).
	Track2Only bool
	// PresentAfter is how long the cardholder takes to present the card at
	// Read Card; the ECR's own timeout bounds the wait, and its Abort 06 B0
	// ends it.
	PresentAfter time.Duration
	// AID is the card's EMV application id (hex); when set, Read Card's
	// TLV lists it (62 {60 {43}}), as a Feig does.
	AID string
	// AmountMin/AmountMax select this card for payments in that range
	// (minor units); zero means no bound. The first card that matches is
	// presented; Read Card always presents Cards[0].
	AmountMin, AmountMax int64
}

// HostRule is how the host answers a payment. All set conditions must match.
type HostRule struct {
	Card                 string // card name, "" = any
	AmountMin, AmountMax int64  // minor units, 0 = no bound
	// DeviceState, when set, makes the rule apply only while the terminal
	// is in that state (keys-out-of-sync answers A0 until Initialisation).
	DeviceState *terminal.DeviceState
	// Times limits the rule to its first N matches; 0 = always.
	Times int
	// HostCode is the acquirer's ISO 8583 field 39 ("00", "55", "A0"); empty
	// when the PT fails before the host answers.
	HostCode string
	// ZVT overrides the ZVT result code (BMP 27); nil derives it from
	// HostCode (numeric NN → byte NN, other → 0xFF).
	ZVT  *byte
	Text string
	// Delay is added before this answer (slow host).
	Delay time.Duration

	line int
}

// Outcome is the result of an administrative command (Diagnosis, Initialisation).
type Outcome struct {
	Result   byte   // ZVT result code, 0 = success
	HostCode string // optional TLV 13
	Text     string // optional TLV 1F17
}

// Fault is one switched-on fault with its argument.
type Fault struct {
	Name string
	N    int           // count argument (drop-after, corrupt-byte)
	D    time.Duration // duration argument (latency, idle-close)
	line int
}

// Info describes a built-in scenario for listings.
type Info struct {
	Name          string `json:"name"`
	Description   string `json:"description"`
	DescriptionZh string `json:"description_zh,omitempty"`
	Source        string `json:"source"`
}

// Required lists the scenario names every build must ship (BRIEF, issue 3).
var Required = []string{
	"healthy", "auth-failed", "card-data-error", "lost-card", "stolen-card", "wrong-pin", "pin-locked",
	"account-frozen", "not-permitted", "over-limit", "too-frequent", "insufficient-funds", "expired-card",
	"unreadable-stripe", "chip-error", "host-unreachable", "bank-maintenance", "outdated-software",
	"keys-out-of-sync", "merchant-config", "slow-network", "noisy-line",
}

// Scenarios lists the built-in scenarios, sorted by name. A file that does
// not load is left out (the tests load every one).
func Scenarios() []Info {
	ents, err := fs.ReadDir(fixtures.FS, "scenarios")
	if err != nil {
		return nil
	}
	var out []Info
	for _, e := range ents {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".yaml") {
			continue
		}
		sc, err := Load(strings.TrimSuffix(e.Name(), ".yaml"))
		if err != nil {
			continue
		}
		out = append(out, Info{Name: sc.Name, Description: sc.Description, DescriptionZh: sc.DescriptionZh, Source: sc.Source})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Load returns a built-in scenario by name ("healthy") or reads a scenario
// file when nameOrPath contains a path separator or ends in .yaml/.yml.
// Errors are *LoadError naming file, line and field with a hint.
func Load(nameOrPath string) (*Scenario, error) {
	if isPath(nameOrPath) {
		b, err := os.ReadFile(nameOrPath)
		if err != nil {
			return nil, fmt.Errorf("scenario %s: %w", nameOrPath, err)
		}
		return Parse(nameOrPath, b)
	}
	file := path.Join("scenarios", nameOrPath+".yaml")
	b, err := fs.ReadFile(fixtures.FS, file)
	if err != nil {
		names := make([]string, 0, len(Required))
		for _, in := range Scenarios() {
			names = append(names, in.Name)
		}
		return nil, &LoadError{File: nameOrPath, Msg: "no built-in scenario with this name",
			Hint: "valid names are " + strings.Join(names, ", ") + "; or give a path to a .yaml file"}
	}
	return Parse(file, b)
}

func isPath(s string) bool {
	return strings.ContainsAny(s, `/\`) || strings.HasSuffix(s, ".yaml") || strings.HasSuffix(s, ".yml")
}

// Clone returns a deep copy, so a caller can change a loaded scenario (TID
// of a fleet member) without touching others.
func (sc *Scenario) Clone() *Scenario {
	c := *sc
	c.Cards = append([]Card(nil), sc.Cards...)
	c.Host = append([]HostRule(nil), sc.Host...)
	c.Faults = append([]Fault(nil), sc.Faults...)
	c.Latency = make(map[string]time.Duration, len(sc.Latency))
	for k, v := range sc.Latency {
		c.Latency[k] = v
	}
	return &c
}

// Card returns the card named name, or nil.
func (sc *Scenario) Card(name string) *Card {
	for i := range sc.Cards {
		if sc.Cards[i].Name == name {
			return &sc.Cards[i]
		}
	}
	return nil
}

// cardFor is the card presented for a payment of amount.
func (sc *Scenario) cardFor(amount int64) *Card {
	for i := range sc.Cards {
		c := &sc.Cards[i]
		if inRange(amount, c.AmountMin, c.AmountMax) && (c.AmountMin != 0 || c.AmountMax != 0) {
			return c
		}
	}
	return &sc.Cards[0]
}

func inRange(v, lo, hi int64) bool {
	return (lo == 0 || v >= lo) && (hi == 0 || v <= hi)
}

// at formats the scenario position of a line for step errors.
func (sc *Scenario) at(line int) string {
	if line == 0 {
		return sc.File
	}
	return fmt.Sprintf("%s:%d", sc.File, line)
}
