package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/posdoctor/posdoctor/checks"
	"github.com/posdoctor/posdoctor/fixtures/golden"
	"github.com/posdoctor/posdoctor/internal/testhook"
	"github.com/posdoctor/posdoctor/terminal/sim"
)

func TestMain(m *testing.M) {
	// The test binary (which the scripts run as posdoctor) may be held
	// between an approved test payment and its Reversal (kill9.txtar).
	testhook.AfterApproval = testhook.PauseFromEnv
	testscript.Main(m, map[string]func(){
		"posdoctor": func() { os.Exit(Main()) },
	})
}

// simTerminals are the simulators the scripts started, by variable name, so
// `unreversed VAR` can read their journals.
var simTerminals sync.Map // map[string]*sim.Terminal (key: script work dir + var)

// TestScripts runs every testdata/script/*.txtar against the built-in
// simulator: `sim [-fault F]… [-latency D] SCENARIO VAR` starts one on
// 127.0.0.1:0 (VAR=tcp://…), `simserial SCENARIO VAR` on a pty (linux;
// VAR=serial://…, VAR_PATH=the device),
// `unreversed VAR` fails when the simulator holds an approved test payment
// that was not reversed, `waitfile FILE [DUR]` waits for a file.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		UpdateScripts:       golden.Updating(),
		Setup: func(env *testscript.Env) error {
			// Config and journal live inside the script's work dir; the
			// config keeps every wait short so a fault ends a run quickly.
			cfg := filepath.Join(env.WorkDir, "posdoctor-test.yaml")
			if err := os.WriteFile(cfg, []byte(testConfigYAML), 0o600); err != nil {
				return err
			}
			env.Setenv("POSDOCTOR_CONFIG", cfg)
			env.Setenv("HOME", env.WorkDir)
			env.Setenv("POSDOCTOR_JOURNAL_DIR", filepath.Join(env.WorkDir, "journal"))
			env.Setenv("XDG_CONFIG_HOME", filepath.Join(env.WorkDir, ".config"))
			env.Setenv("XDG_CACHE_HOME", filepath.Join(env.WorkDir, ".cache"))
			env.Setenv("LANG", "C")
			env.Setenv("NO_COLOR", "1")
			return nil
		},
		Condition: func(cond string) (bool, error) {
			switch cond {
			case "root":
				return os.Geteuid() == 0, nil
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"sim":         cmdSim,
			"simserial":   cmdSimSerial,
			"unreversed":  cmdUnreversed,
			"waitfile":    cmdWaitFile,
			"exit":        cmdExit,
			"lastjournal": cmdLastJournal,
			"expand":      cmdExpand,
		},
	})
}

// testConfigYAML is the config every script runs with.
const testConfigYAML = `# written by script_test.go
timeouts:
  connect: 3s
  command: 6s
  card: 4s
  transaction: 8s
  slow_host: 2s
`

func simKey(ts *testscript.TestScript, name string) string {
	return ts.Getenv("WORK") + "\x00" + name
}

func simFlags(ts *testscript.TestScript, args []string) (sim.Options, []string) {
	var o sim.Options
	for len(args) > 0 && strings.HasPrefix(args[0], "-") {
		switch args[0] {
		case "-fault":
			if len(args) < 2 {
				ts.Fatalf("-fault needs a value")
			}
			o.Faults = append(o.Faults, args[1])
			args = args[2:]
		case "-latency":
			if len(args) < 2 {
				ts.Fatalf("-latency needs a value")
			}
			d, err := time.ParseDuration(args[1])
			ts.Check(err)
			o.Latency = d
			args = args[2:]
		default:
			ts.Fatalf("unknown flag %s", args[0])
		}
	}
	return o, args
}

func cmdSim(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! sim")
	}
	o, args := simFlags(ts, args)
	if len(args) != 2 {
		ts.Fatalf("usage: sim [-fault F]... [-latency D] SCENARIO VAR")
	}
	sc, err := sim.Load(args[0])
	ts.Check(err)
	ctx, cancel := context.WithCancel(context.Background())
	f, err := sim.ListenTCP(ctx, "127.0.0.1:0", sc, o, 1)
	if err != nil {
		cancel()
		ts.Fatalf("sim: %v", err)
	}
	ts.Defer(func() { f.Close(); cancel() })
	simTerminals.Store(simKey(ts, args[1]), f.Terminals()[0])
	ts.Setenv(args[1], "tcp://"+f.Addrs()[0])
}

func cmdSimSerial(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! simserial")
	}
	if runtime.GOOS != "linux" {
		ts.Fatalf("simserial needs linux: guard the script line with [linux]")
	}
	o, args := simFlags(ts, args)
	if len(args) != 2 {
		ts.Fatalf("usage: simserial [-fault F]... SCENARIO VAR")
	}
	sc, err := sim.Load(args[0])
	ts.Check(err)
	term := sim.New(sc, o)
	ctx, cancel := context.WithCancel(context.Background())
	path, done, err := term.ServePTY(ctx)
	if err != nil {
		cancel()
		ts.Fatalf("simserial: %v", err)
	}
	ts.Defer(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
		}
	})
	simTerminals.Store(simKey(ts, args[1]), term)
	ts.Setenv(args[1], "serial://"+path)
	ts.Setenv(args[1]+"_PATH", path)
}

func cmdUnreversed(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: unreversed VAR")
	}
	v, ok := simTerminals.Load(simKey(ts, args[0]))
	if !ok {
		ts.Fatalf("no simulator %s", args[0])
	}
	term := v.(*sim.Terminal)
	left := term.Unreversed()
	for _, x := range term.Journal() {
		ts.Logf("sim journal: receipt %d trace %d amount %d %s", x.Receipt, x.Trace, x.Amount, x.State)
	}
	if len(left) > 0 && !neg {
		ts.Fatalf("%d test payment(s) left unreversed: %+v", len(left), left)
	}
	if len(left) == 0 && neg {
		ts.Fatalf("no test payment left unreversed")
	}
}

// cmdExit runs a program like exec and checks its exit code:
// exit CODE PROGRAM [ARGS...].
func cmdExit(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exit CODE PROGRAM [ARGS...]")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	err = ts.Exec(args[1], args[2:]...)
	got := 0
	if err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("%s: %v", args[1], err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Fatalf("%s exited with %d, want %d", args[1], got, want)
	}
}

// cmdExpand copies SRC to DST with $VAR and ${VAR} replaced from the
// script's environment: expand SRC DST.
func cmdExpand(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: expand SRC DST")
	}
	out := os.Expand(ts.ReadFile(args[0]), ts.Getenv)
	ts.Check(os.WriteFile(ts.MkAbs(args[1]), []byte(out), 0o600))
}

// cmdLastJournal sets VAR to the newest journal file in DIR:
// lastjournal DIR VAR.
func cmdLastJournal(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: lastjournal DIR VAR")
	}
	files, err := checks.ListSessions(ts.MkAbs(args[0]))
	ts.Check(err)
	if len(files) == 0 {
		ts.Fatalf("no journal in %s", args[0])
	}
	ts.Setenv(args[1], files[0])
}

func cmdWaitFile(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 || len(args) > 2 {
		ts.Fatalf("usage: waitfile FILE [DURATION]")
	}
	d := 20 * time.Second
	if len(args) == 2 {
		var err error
		d, err = time.ParseDuration(args[1])
		ts.Check(err)
	}
	deadline := time.Now().Add(d)
	for {
		if _, err := os.Stat(ts.MkAbs(args[0])); err == nil {
			return
		}
		if time.Now().After(deadline) {
			ts.Fatalf("%s did not appear within %s", args[0], d)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
