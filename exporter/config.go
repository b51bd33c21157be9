package exporter

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/posdoctor/posdoctor/checks"
	"github.com/posdoctor/posdoctor/model"
)

// Config is the exporter's configuration file (--config): which targets it
// may probe, the modules Prometheus can ask for, and its limits.
type Config struct {
	// Allow is the set of targets the exporter probes; anything else is
	// answered with 403.
	Allow Allow `yaml:"allow"`
	// Modules by name (the module= parameter of /probe).
	Modules map[string]Module `yaml:"-"`
	// MaxConcurrentProbes bounds the probes in flight (all terminals).
	MaxConcurrentProbes int `yaml:"max_concurrent_probes"`
	// TimeoutOffset is taken off Prometheus' scrape timeout, so the answer
	// reaches Prometheus before it gives up.
	TimeoutOffset time.Duration `yaml:"timeout_offset"`
	// PosdoctorConfig is the posdoctor config file (baselines, acquirer
	// hosts, timeouts, password); "" reads it as `check` does.
	PosdoctorConfig string `yaml:"posdoctor_config"`
	// JournalDir is where the journal of test payments goes (modules with
	// a test_payment only); "" is the posdoctor config's journal_dir.
	JournalDir string `yaml:"journal_dir"`

	// inventory is Allow.Inventory, loaded.
	inventory []checks.InventoryEntry
	dir       string // the config file's folder, for relative paths
}

// Module is what one probe does: which checks, with which timeouts and
// password. It runs a test payment only when TestPayment names an amount,
// and it never reads a card.
type Module struct {
	// Checks to run; empty means link, status, version, network.
	Checks []model.CheckID `yaml:"-"`
	// Timeout bounds the whole probe (the scrape timeout may cut it shorter).
	Timeout time.Duration `yaml:"timeout"`
	// ConnectTimeout and CommandTimeout override the posdoctor config's.
	ConnectTimeout time.Duration `yaml:"connect_timeout"`
	CommandTimeout time.Duration `yaml:"command_timeout"`
	// Password is the terminals' ZVT password (6 digits); "" is the
	// posdoctor config's (or the inventory entry's).
	Password string `yaml:"password"`
	// TestPayment, when set with an amount, allows the transaction check:
	// a real Authorization and its Reversal on every probe.
	TestPayment *TestPayment `yaml:"test_payment"`
}

// TestPayment is the amount of a module's test payment, in minor units.
type TestPayment struct {
	Amount int64 `yaml:"amount"`
}

// Defaults of the exporter.
const (
	DefaultModule        = "default"
	DefaultMaxProbes     = 64
	DefaultTimeoutOffset = 500 * time.Millisecond
	DefaultModuleTimeout = 30 * time.Second
)

// DefaultChecks are a module's checks when it names none: what can run
// without a card and without money.
var DefaultChecks = []model.CheckID{model.CheckLink, model.CheckStatus, model.CheckVersion, model.CheckNetwork}

// DefaultConfig is the configuration without --config: the default module,
// and only the built-in simulator and loopback addresses allowed.
func DefaultConfig() *Config {
	c := &Config{Modules: map[string]Module{DefaultModule: {}}, Allow: Allow{Targets: []string{"sim://*"}, CIDRs: []string{"127.0.0.0/8", "::1/128"}}}
	if err := c.finish(); err != nil {
		panic(err) // the defaults are constants
	}
	return c
}

// LoadConfig reads an exporter config file. Errors name the file, the line
// when known, and the fix.
func LoadConfig(path string) (*Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("exporter config: %w", err)
	}
	return ParseConfig(path, b)
}

// ParseConfig is LoadConfig on bytes; name is used in errors and to resolve
// relative paths.
func ParseConfig(name string, b []byte) (*Config, error) {
	var raw struct {
		Config  `yaml:",inline"`
		Modules map[string]rawModule `yaml:"modules"`
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&raw); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: %s", name, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	c := raw.Config
	c.dir = filepath.Dir(name)
	c.Modules = map[string]Module{}
	for n, rm := range raw.Modules {
		m, err := rm.module()
		if err != nil {
			return nil, fmt.Errorf("%s: module %s: %v", name, n, err)
		}
		c.Modules[n] = m
	}
	if err := c.finish(); err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	return &c, nil
}

// rawModule is a Module as written, checks as a list of names.
type rawModule struct {
	Module `yaml:",inline"`
	Checks []string `yaml:"checks"`
}

func (rm rawModule) module() (Module, error) {
	m := rm.Module
	ids, err := checks.ParseChecks(strings.Join(rm.Checks, ","))
	if err != nil {
		return m, err
	}
	m.Checks = ids
	return m, m.validate()
}

// validate enforces the money and card rules of a module.
func (m Module) validate() error {
	for _, id := range m.Checks {
		if id == model.CheckReader {
			return errors.New("the exporter never reads a card: drop reader from checks")
		}
	}
	if m.TestPayment != nil && (m.TestPayment.Amount < 1 || m.TestPayment.Amount > 999999) {
		return fmt.Errorf("test_payment amount %d: give minor units from 1 to 999999 (monitoring should not move money: leave test_payment out to run none)", m.TestPayment.Amount)
	}
	if m.wantsPayment() && m.TestPayment == nil {
		return errors.New("transaction runs a test payment: add test_payment: {amount: N} to the module to allow it, or drop transaction from checks")
	}
	if m.Password != "" && (len(m.Password) != 6 || strings.Trim(m.Password, "0123456789") != "") {
		return errors.New("password must be 6 digits")
	}
	for _, d := range []time.Duration{m.Timeout, m.ConnectTimeout, m.CommandTimeout} {
		if d < 0 {
			return fmt.Errorf("timeout %s is negative: give a duration such as 20s", d)
		}
	}
	return nil
}

func (m Module) wantsPayment() bool {
	for _, id := range m.Checks {
		if id == model.CheckTransaction {
			return true
		}
	}
	return false
}

// checkIDs is the module's checks, or the defaults.
func (m Module) checkIDs() []model.CheckID {
	if len(m.Checks) == 0 {
		return DefaultChecks
	}
	return m.Checks
}

// timeout is the module's probe timeout, or the default.
func (m Module) timeout() time.Duration {
	if m.Timeout > 0 {
		return m.Timeout
	}
	return DefaultModuleTimeout
}

// finish fills defaults and loads what the config refers to.
func (c *Config) finish() error {
	if len(c.Modules) == 0 {
		c.Modules = map[string]Module{DefaultModule: {}}
	}
	if c.MaxConcurrentProbes == 0 {
		c.MaxConcurrentProbes = DefaultMaxProbes
	}
	if c.MaxConcurrentProbes < 1 || c.MaxConcurrentProbes > 10000 {
		return fmt.Errorf("max_concurrent_probes %d: give 1 to 10000", c.MaxConcurrentProbes)
	}
	if c.TimeoutOffset == 0 {
		c.TimeoutOffset = DefaultTimeoutOffset
	}
	if c.TimeoutOffset < 0 {
		return fmt.Errorf("timeout_offset %s is negative: give a duration such as 500ms", c.TimeoutOffset)
	}
	if c.Allow.Inventory != "" {
		p := c.Allow.Inventory
		if !filepath.IsAbs(p) && c.dir != "" {
			p = filepath.Join(c.dir, p)
		}
		es, err := checks.LoadInventory(p)
		if err != nil {
			return err
		}
		c.inventory = es
	}
	if c.PosdoctorConfig != "" && !filepath.IsAbs(c.PosdoctorConfig) && c.dir != "" {
		c.PosdoctorConfig = filepath.Join(c.dir, c.PosdoctorConfig)
	}
	if err := c.Allow.compile(c.inventory); err != nil {
		return err
	}
	if len(c.Allow.Targets) == 0 && len(c.Allow.CIDRs) == 0 && len(c.inventory) == 0 {
		return errors.New("allow lists no targets: set allow.inventory, allow.targets or allow.cidrs (the exporter probes nothing else)")
	}
	return nil
}

// ModuleNames lists the modules, sorted, for error messages.
func (c *Config) ModuleNames() []string {
	out := make([]string, 0, len(c.Modules))
	for n := range c.Modules {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Inventory returns the loaded allow.inventory (nil without one).
func (c *Config) Inventory() []checks.InventoryEntry { return c.inventory }
