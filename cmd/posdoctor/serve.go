package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/spf13/cobra"

	"github.com/posdoctor/posdoctor/checks"
	"github.com/posdoctor/posdoctor/model"
	"github.com/posdoctor/posdoctor/remote"
	"github.com/posdoctor/posdoctor/terminal"
	"github.com/posdoctor/posdoctor/ui"
	"github.com/posdoctor/posdoctor/ui/i18n"
	"github.com/posdoctor/posdoctor/ui/theme"
)

// ServeOptions holds the flags of `posdoctor serve --ssh ADDR`.
type ServeOptions struct {
	IO *IO
	// Getenv reads the environment (LANG of this PC's messages).
	Getenv func(string) string

	SSH            string
	Target         string
	ConfigPath     string
	Lang           string
	AuthorizedKeys string
	HostKey        string
	MaxSessions    int
	IdleTimeout    time.Duration
	// Ready is called with the address served and the host key's
	// fingerprint (tests read the port from it).
	Ready func(addr, fingerprint string)
}

func newServeCmd(f *factory, runF func(*ServeOptions) error) *cobra.Command {
	opts := &ServeOptions{IO: f.IO, Getenv: os.Getenv}
	cmd := &cobra.Command{
		Use:   "serve --ssh ADDR [--target URL]",
		Short: "Serve a console per SSH login on the PC wired to the terminal",
		Long: `Serve the operator console over SSH on the PC that is wired to the terminal:
each SSH login gets a console of its own. One login at a time talks to the
terminal: a second login is told who has it and since when, and waits (w
watches the first login's console, read-only, meanwhile); its console opens
by itself when the first login leaves. Commands of two logins never
interleave on the serial line. A test payment needs the person at the
counter, so these consoles run every check but the test payment.

Only the public keys in --authorized-keys get in. The host key is generated
once (0600) in the user config dir; its fingerprint is printed at start.
A login's language comes from its LANG / LC_ALL (ssh -o SetEnv=LANG=zh_CN.UTF-8).

Exit status: 0 when stopped (Ctrl-C, SIGTERM), 3 when it cannot start.`,
		Example: `  posdoctor serve --ssh :2222 --target serial:///dev/ttyUSB0
  ssh -t -p 2222 helpdesk@store-pc`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.SSH == "" {
				return flagErrorf("serve needs --ssh ADDR (e.g. --ssh :2222)")
			}
			if opts.Target != "" {
				if _, err := terminal.ParseTarget(opts.Target); err != nil {
					return flagErrorf("invalid --target: %v", err)
				}
			}
			if _, ok := i18n.Parse(opts.Lang); !ok && opts.Lang != "" && opts.Lang != "auto" {
				return flagErrorf("invalid --lang %q: valid values are zh, en", opts.Lang)
			}
			if opts.MaxSessions < 1 {
				return flagErrorf("invalid --max-sessions %d: at least 1", opts.MaxSessions)
			}
			if runF != nil {
				return runF(opts)
			}
			return serveRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.SSH, "ssh", "", "address to serve SSH on (e.g. :2222)")
	fl.StringVar(&opts.Target, "target", "", "the terminal every console connects to at once (e.g. serial:///dev/ttyUSB0)")
	fl.StringVar(&opts.ConfigPath, "config", "", "config file (default: the user config dir's posdoctor/config.yaml)")
	fl.StringVar(&opts.Lang, "lang", "", "language of this PC's messages and of a login that sends no LANG: zh or en (default from LANG)")
	fl.StringVar(&opts.AuthorizedKeys, "authorized-keys", "", "public keys that may log in (default: the user config dir's posdoctor/authorized_keys)")
	fl.StringVar(&opts.HostKey, "host-key", "", "the SSH host key, generated once (default: the user config dir's posdoctor/ssh_host_ed25519_key)")
	fl.IntVar(&opts.MaxSessions, "max-sessions", remote.DefaultMaxSessions, "logins at once (the one at the terminal and those waiting)")
	fl.DurationVar(&opts.IdleTimeout, "idle-timeout", remote.DefaultIdleTimeout, "disconnect a login that typed nothing for this long")
	return cmd
}

// serveRun serves until ctx ends (a signal).
func serveRun(ctx context.Context, opts *ServeOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	// Ctrl-C ends ctx (the root command's signal); SIGTERM (systemd,
	// docker stop) stops the server as cleanly.
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGTERM)
	defer stop()
	getenv := opts.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	cfg, err := checks.LoadConfig(opts.ConfigPath)
	if err != nil {
		return cantRun(err)
	}
	lang := consoleLang(opts.Lang, cfg, getenv)
	sf := ShareFlags{AuthorizedKeys: opts.AuthorizedKeys, HostKey: opts.HostKey}
	if err := sf.paths(); err != nil {
		return cantRun(err)
	}
	if err := checkAuthorizedKeys(sf.AuthorizedKeys, lang); err != nil {
		return cantRun(err)
	}
	logLine := func(e remote.ConsoleEvent) {
		fmt.Fprintln(opts.IO.ErrOut, time.Now().Format("15:04:05")+" "+serveText("ev."+e.Kind, lang, e.Who, e.Addr))
	}
	cs, err := remote.NewConsoles(remote.ConsolesConfig{Config: remote.Config{HostKey: sf.HostKey,
		AuthorizedKeys: sf.AuthorizedKeys, MaxSessions: opts.MaxSessions, IdleTimeout: opts.IdleTimeout, Lang: lang,
		Full: "posdoctor: too many logins at once, try again later / 登录人数已满，请稍后再试"},
		OnEvent: logLine}, serveConsole(cfg, opts.Target))
	if errors.Is(err, remote.ErrHostKey) {
		return cantRun(errors.New(serveText("hostkey", lang, sf.HostKey)))
	}
	if err != nil {
		return cantRun(err)
	}
	defer cs.Close()
	addr, err := cs.Listen(opts.SSH)
	if err != nil {
		return cantRun(listenError(opts.SSH, err, lang))
	}
	fmt.Fprintln(opts.IO.ErrOut, serveText("ready", lang, addr, cs.Fingerprint(), sf.AuthorizedKeys))
	if opts.Ready != nil {
		opts.Ready(addr.String(), cs.Fingerprint())
	}
	<-ctx.Done()
	return nil
}

// serveConsole makes the console of one login: its own backend (the
// session core checks.Connect, its own journal), no test payment.
func serveConsole(cfg checks.Config, target string) remote.Console {
	return func(s *remote.Session) (tea.Model, *ui.Case, func()) {
		b := newConsoleBackend(cfg, time.Now)
		b.purpose = "serve --ssh: " + s.Who.Name()
		m := ui.New(ui.Options{Backend: b, Target: target, Lang: s.Lang, Theme: theme.Dark,
			Actor: ui.Actor{ID: s.ID, Name: s.Who.Name()}, NoMoney: true, Amount: cfg.Amount, Currency: cfg.Currency})
		return m, m.Case, func() {
			_ = m.Close()
			b.close()
		}
	}
}

// checkAuthorizedKeys refuses to start without a key to let in: the
// server would refuse every login.
func checkAuthorizedKeys(path string, lang model.Lang) error {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return errors.New(serveText("nokeys", lang, path))
	}
	if err != nil {
		return errors.New(serveText("readkeys", lang, path, err))
	}
	if remote.CountAuthorizedKeys(b) == 0 {
		return errors.New(serveText("emptykeys", lang, path))
	}
	return nil
}

// listenError says why addr could not be served and what to do.
func listenError(addr string, err error, lang model.Lang) error {
	if errors.Is(err, syscall.EADDRINUSE) {
		return errors.New(serveText("inuse", lang, addr))
	}
	if errors.Is(err, syscall.EACCES) {
		return errors.New(serveText("denied", lang, addr))
	}
	return errors.New(serveText("listen", lang, addr, err))
}

// serveTexts are the lines `serve` prints on this PC.
var serveTexts = map[string]model.Text{
	"ev.login": {En: "%s logged in from %s and has the terminal", Zh: "%s 从 %s 登录，正在使用终端"},
	"ev.wait":  {En: "%s logged in from %s and waits for the terminal", Zh: "%s 从 %s 登录，正在等待终端"},
	"ev.turn":  {En: "%s (from %s) has the terminal now", Zh: "%s（来自 %s）现在使用终端"},
	"ev.leave": {En: "%s (from %s) logged out", Zh: "%s（来自 %s）已退出"},
	"ready": {En: "posdoctor serve: SSH on %s, host key %s (keys from %s)",
		Zh: "posdoctor serve：SSH 监听 %s，主机密钥指纹 %s（允许的公钥：%s）"},
	"nokeys": {En: "no authorized keys file at %[1]s: put the helpdesk's SSH public keys there, one per line (cat id_ed25519.pub >> %[1]s), or pass --authorized-keys FILE",
		Zh: "找不到授权公钥文件 %[1]s：请把服务台的 SSH 公钥逐行写入该文件（cat id_ed25519.pub >> %[1]s），或用 --authorized-keys FILE 指定"},
	"readkeys": {En: "cannot read the authorized keys file %[1]s: check its permissions, or pass --authorized-keys FILE",
		Zh: "无法读取授权公钥文件 %[1]s：请检查文件权限，或用 --authorized-keys FILE 指定"},
	"emptykeys": {En: "the authorized keys file %s has no public key: add the helpdesk's SSH public keys, one per line as in ~/.ssh/authorized_keys",
		Zh: "授权公钥文件 %s 中没有公钥：请按 ~/.ssh/authorized_keys 的格式逐行加入服务台的 SSH 公钥"},
	"inuse": {En: "the SSH address %s is in use by another program: pick another port (--ssh :2223) or stop that program",
		Zh: "SSH 地址 %s 已被其他程序占用：请换一个端口（--ssh :2223），或关闭占用它的程序"},
	"denied": {En: "not allowed to listen on %s: ports below 1024 need administrator rights, pick a port above 1024 (--ssh :2222)",
		Zh: "无权监听 %s：1024 以下的端口需要管理员权限，请使用 1024 以上的端口（--ssh :2222）"},
	"listen": {En: "cannot listen on %[1]s: check the --ssh address (e.g. :2222 or 192.168.1.10:2222)",
		Zh: "无法监听 %[1]s：请检查 --ssh 地址（例如 :2222 或 192.168.1.10:2222）"},
	"hostkey": {En: "cannot use the SSH host key %[1]s: check the user config dir is writable, or pass --host-key FILE",
		Zh: "无法使用 SSH 主机密钥 %[1]s：请确认用户配置目录可写，或用 --host-key FILE 指定"},
}

func serveText(key string, lang model.Lang, a ...any) string {
	return fmt.Sprintf(serveTexts[key].In(lang), a...)
}
