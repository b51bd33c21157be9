package checks

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/posdoctor/posdoctor/model"
)

// Config is posdoctor's configuration: the config file, then POSDOCTOR_*
// environment variables, then flags, each overriding the one before.
// Password never appears in any output or log.
type Config struct {
	// Password is the terminal's ZVT password (6 digits).
	Password string `yaml:"password,omitempty" json:"-"`
	// Currency is the ISO 4217 numeric currency of test payments.
	Currency int `yaml:"currency,omitempty" json:"currency"`
	// Amount is the test payment in minor units.
	Amount int64 `yaml:"amount,omitempty" json:"amount"`
	// Locale is the UI language ("zh" or "en").
	Locale string `yaml:"locale,omitempty" json:"locale"`
	// JournalDir is where session journals go.
	JournalDir string `yaml:"journal_dir,omitempty" json:"journal_dir"`
	// JournalKeepDays and JournalMaxMB bound the journal history kept in
	// JournalDir ([Config.Retention]; 0 means the default, 90 days and
	// 500 MB).
	JournalKeepDays int `yaml:"journal_keep_days,omitempty" json:"journal_keep_days"`
	JournalMaxMB    int `yaml:"journal_max_mb,omitempty" json:"journal_max_mb"`
	// HostScheme is the table the acquirer's response codes belong to
	// (unionpay or iso).
	HostScheme model.Scheme `yaml:"host_scheme,omitempty" json:"host_scheme"`
	// Baselines are the minimum software versions per model pattern; the
	// first matching pattern wins.
	Baselines []Baseline `yaml:"baselines,omitempty" json:"baselines"`
	// AcquirerHosts are probed by the network check from the console.
	AcquirerHosts []AcquirerHost `yaml:"acquirer_hosts,omitempty" json:"acquirer_hosts"`
	// Timeouts bound every wait.
	Timeouts Timeouts `yaml:"timeouts,omitempty" json:"timeouts"`
}

// Baseline is the minimum software version for terminal models matching
// Model, a case-insensitive pattern where * matches any characters
// ("Ingenico *", "*" for every model).
type Baseline struct {
	Model      string `yaml:"model" json:"model"`
	MinVersion string `yaml:"min_version" json:"min_version"`
}

// AcquirerHost is a host the console probes: DNS, TCP connect and, when TLS
// is set, a TLS handshake with certificate expiry and hostname check.
type AcquirerHost struct {
	Name string `yaml:"name,omitempty" json:"name,omitempty"`
	Addr string `yaml:"addr" json:"addr"` // host:port
	TLS  bool   `yaml:"tls,omitempty" json:"tls,omitempty"`
}

// Timeouts bound each kind of wait.
type Timeouts struct {
	Connect     time.Duration `yaml:"connect,omitempty" json:"connect"`         // opening the link
	Command     time.Duration `yaml:"command,omitempty" json:"command"`         // link, status, version, network
	Card        time.Duration `yaml:"card,omitempty" json:"card"`               // the operator presents a card
	Transaction time.Duration `yaml:"transaction,omitempty" json:"transaction"` // authorization + reversal
	Probe       time.Duration `yaml:"probe,omitempty" json:"probe"`             // each console network probe
	ClockSkew   time.Duration `yaml:"clock_skew,omitempty" json:"clock_skew"`   // warn above this terminal clock skew
	CertExpiry  time.Duration `yaml:"cert_expiry,omitempty" json:"cert_expiry"` // warn when a certificate expires sooner
	SlowHost    time.Duration `yaml:"slow_host,omitempty" json:"slow_host"`     // warn when the terminal's host check takes longer
}

// all lists every timeout of t, in one fixed order, for merge and fill.
func (t *Timeouts) all() []*time.Duration {
	return []*time.Duration{&t.Connect, &t.Command, &t.Card, &t.Transaction, &t.Probe, &t.ClockSkew, &t.CertExpiry, &t.SlowHost}
}

// Defaults.
const (
	DefaultPassword = "000000"
	DefaultCurrency = 156 // CNY
	DefaultAmount   = 1   // minor units
)

// DefaultBaselines are the built-in minimum software versions per model
// family (case-insensitive patterns). They are conservative
// placeholders: set the acquirer's real minimums under baselines in the
// config file or POSDOCTOR_BASELINES. A model that matches none is a warn.
var DefaultBaselines = []Baseline{
	{Model: "Ingenico *", MinVersion: "2.20.0"},
	{Model: "Verifone *", MinVersion: "2.20.0"},
	{Model: "PAX *", MinVersion: "2.20.0"},
}

// DefaultConfig returns the configuration used when nothing is set.
func DefaultConfig() Config {
	return Config{
		Password:   DefaultPassword,
		Currency:   DefaultCurrency,
		Amount:     DefaultAmount,
		Locale:     "",
		HostScheme: model.SchemeUnionPay,
		Baselines:  append([]Baseline(nil), DefaultBaselines...),
		Timeouts: Timeouts{
			Connect:     10 * time.Second,
			Command:     30 * time.Second,
			Card:        60 * time.Second,
			Transaction: 3 * time.Minute,
			Probe:       5 * time.Second,
			ClockSkew:   5 * time.Minute,
			CertExpiry:  14 * 24 * time.Hour,
			SlowHost:    2 * time.Second,
		},
	}
}

// DefaultConfigPath is os.UserConfigDir()/posdoctor/config.yaml, or "" when
// the platform has no config dir.
func DefaultConfigPath() string {
	dir, err := os.UserConfigDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "posdoctor", "config.yaml")
}

// DefaultJournalDir is os.UserCacheDir()/posdoctor/journal, falling back to
// the config dir, then the temp dir.
func DefaultJournalDir() string {
	if dir, err := os.UserCacheDir(); err == nil {
		return filepath.Join(dir, "posdoctor", "journal")
	}
	if dir, err := os.UserConfigDir(); err == nil {
		return filepath.Join(dir, "posdoctor", "journal")
	}
	return filepath.Join(os.TempDir(), "posdoctor", "journal")
}

// LoadConfig reads the config file at path ("" means $POSDOCTOR_CONFIG, then
// [DefaultConfigPath], and a missing default file is not an error), applies
// POSDOCTOR_* environment variables and fills defaults. A problem in the
// file is one [*ConfigError] line naming the file, the line and the key
// (configfile.go).
func LoadConfig(p string) (Config, error) {
	cfg := DefaultConfig()
	explicit := p != ""
	if !explicit {
		if env := os.Getenv("POSDOCTOR_CONFIG"); env != "" {
			p, explicit = env, true
		} else {
			p = DefaultConfigPath()
		}
	}
	if p != "" {
		b, err := os.ReadFile(p)
		switch {
		case err == nil:
			if err := decodeConfig(p, b, &cfg); err != nil {
				return Config{}, err
			}
		case errors.Is(err, fs.ErrNotExist) && !explicit:
		default:
			return Config{}, fmt.Errorf("config: %w", err)
		}
	}
	if err := applyEnv(&cfg, os.Getenv); err != nil {
		return Config{}, err
	}
	cfg.fill()
	return cfg, cfg.Validate()
}

// merge copies the fields set in o over c.
func (c *Config) merge(o Config) {
	if o.Password != "" {
		c.Password = o.Password
	}
	if o.Currency != 0 {
		c.Currency = o.Currency
	}
	if o.Amount != 0 {
		c.Amount = o.Amount
	}
	if o.Locale != "" {
		c.Locale = o.Locale
	}
	if o.JournalDir != "" {
		c.JournalDir = o.JournalDir
	}
	if o.JournalKeepDays != 0 {
		c.JournalKeepDays = o.JournalKeepDays
	}
	if o.JournalMaxMB != 0 {
		c.JournalMaxMB = o.JournalMaxMB
	}
	if o.HostScheme != "" {
		c.HostScheme = o.HostScheme
	}
	if o.Baselines != nil {
		c.Baselines = o.Baselines
	}
	if o.AcquirerHosts != nil {
		c.AcquirerHosts = o.AcquirerHosts
	}
	dst, src := c.Timeouts.all(), o.Timeouts.all()
	for i, v := range src {
		if *v != 0 {
			*dst[i] = *v
		}
	}
}

// fill sets defaults for what is still empty.
func (c *Config) fill() {
	if c.JournalDir == "" {
		c.JournalDir = DefaultJournalDir()
	}
	d := DefaultConfig()
	if c.Password == "" {
		c.Password = d.Password
	}
	if c.Currency == 0 {
		c.Currency = d.Currency
	}
	if c.Amount == 0 {
		c.Amount = d.Amount
	}
	if c.HostScheme == "" {
		c.HostScheme = d.HostScheme
	}
	dst, def := c.Timeouts.all(), d.Timeouts.all()
	for i, v := range dst {
		if *v <= 0 {
			*v = *def[i]
		}
	}
}

// Validate reports the first setting that cannot work, with the fix.
func (c Config) Validate() error {
	if checkPassword(c.Password) != nil {
		return errors.New("config: password must be 6 digits (set password in the config file or POSDOCTOR_PASSWORD)")
	}
	if c.Currency < 1 || c.Currency > 999 {
		return fmt.Errorf("config: currency %d is not an ISO 4217 numeric code (1 to 999, e.g. 156 for CNY, 978 for EUR)", c.Currency)
	}
	if c.Amount < 1 || c.Amount > 999999 {
		return fmt.Errorf("config: amount %d must be from 1 to 999999 minor units", c.Amount)
	}
	if c.JournalKeepDays < 0 {
		return fmt.Errorf("config: journal_keep_days %d: want a number of days such as %d (0 for the default)", c.JournalKeepDays, DefaultJournalKeepDays)
	}
	if c.JournalMaxMB < 0 {
		return fmt.Errorf("config: journal_max_mb %d: want a size in MB such as %d (0 for the default)", c.JournalMaxMB, DefaultJournalMaxMB)
	}
	switch c.HostScheme {
	case model.SchemeUnionPay, model.SchemeISO:
	default:
		return fmt.Errorf("config: host_scheme %q: valid values are unionpay, iso", c.HostScheme)
	}
	for _, b := range c.Baselines {
		if checkModelPattern(b.Model) != nil {
			return fmt.Errorf("config: baseline model pattern %q: want a model name with * wildcards, e.g. \"Ingenico *\"", b.Model)
		}
		if _, ok := parseVersion(b.MinVersion); !ok {
			return fmt.Errorf("config: baseline %q: min_version %q has no version number", b.Model, b.MinVersion)
		}
	}
	for _, h := range c.AcquirerHosts {
		if _, _, err := splitHostPort(h.Addr); err != nil {
			return fmt.Errorf("config: acquirer host %q: %v", h.Addr, err)
		}
	}
	return nil
}

// applyEnv reads POSDOCTOR_* variables through getenv.
func applyEnv(c *Config, getenv func(string) string) error {
	if v := getenv("POSDOCTOR_PASSWORD"); v != "" {
		c.Password = v
	}
	if v := getenv("POSDOCTOR_CURRENCY"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("POSDOCTOR_CURRENCY=%q: want an ISO 4217 numeric code such as 156", v)
		}
		c.Currency = n
	}
	if v := getenv("POSDOCTOR_AMOUNT"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return fmt.Errorf("POSDOCTOR_AMOUNT=%q: want minor units such as 1", v)
		}
		c.Amount = n
	}
	if v := getenv("POSDOCTOR_LOCALE"); v != "" {
		c.Locale = v
	}
	if v := getenv("POSDOCTOR_JOURNAL_DIR"); v != "" {
		c.JournalDir = v
	}
	if v := getenv("POSDOCTOR_HOST_SCHEME"); v != "" {
		c.HostScheme = model.Scheme(v)
	}
	if v := getenv("POSDOCTOR_BASELINES"); v != "" {
		bs, err := ParseBaselines(v)
		if err != nil {
			return fmt.Errorf("POSDOCTOR_BASELINES: %v", err)
		}
		c.Baselines = bs
	}
	if v := getenv("POSDOCTOR_ACQUIRER_HOSTS"); v != "" {
		hs, err := ParseAcquirerHosts(v)
		if err != nil {
			return fmt.Errorf("POSDOCTOR_ACQUIRER_HOSTS: %v", err)
		}
		c.AcquirerHosts = hs
	}
	return nil
}

// ParseBaselines reads "PATTERN=MIN,PATTERN=MIN", e.g. "Move*=3.1,*=2.0".
func ParseBaselines(s string) ([]Baseline, error) {
	var out []Baseline
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		m, v, ok := strings.Cut(part, "=")
		if !ok || m == "" || v == "" {
			return nil, fmt.Errorf("%q: want MODEL_PATTERN=MIN_VERSION, e.g. \"Move*=3.1\"", part)
		}
		out = append(out, Baseline{Model: strings.TrimSpace(m), MinVersion: strings.TrimSpace(v)})
	}
	return out, nil
}

// ParseAcquirerHosts reads "host:port,tls://host:port".
func ParseAcquirerHosts(s string) ([]AcquirerHost, error) {
	var out []AcquirerHost
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		h := AcquirerHost{Addr: part}
		if rest, ok := strings.CutPrefix(part, "tls://"); ok {
			h = AcquirerHost{Addr: rest, TLS: true}
		} else if rest, ok := strings.CutPrefix(part, "tcp://"); ok {
			h.Addr = rest
		}
		if _, _, err := splitHostPort(h.Addr); err != nil {
			return nil, fmt.Errorf("%q: %v", part, err)
		}
		out = append(out, h)
	}
	return out, nil
}
