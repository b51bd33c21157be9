package remote

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"crypto/subtle"
	"fmt"
	"math/big"
	"os"
	"sync"
	"time"

	"charm.land/ssh"
	gossh "golang.org/x/crypto/ssh"
)

// JoinCodeTTL is how long a join code stays valid.
const JoinCodeTTL = 10 * time.Minute

// JoinCodes are one-time codes the technician reads to the helpdesk: each
// lets one login in, once, within JoinCodeTTL.
type JoinCodes struct {
	mu    sync.Mutex
	now   func() time.Time
	codes map[string]time.Time // code -> expiry
}

// NewJoinCodes makes an empty set; now is the clock (time.Now when nil).
func NewJoinCodes(now func() time.Time) *JoinCodes {
	if now == nil {
		now = time.Now
	}
	return &JoinCodes{now: now, codes: map[string]time.Time{}}
}

// New issues a code of 8 digits and its expiry.
func (j *JoinCodes) New() (string, time.Time) {
	n, err := rand.Int(rand.Reader, big.NewInt(100_000_000))
	if err != nil {
		panic(err) // crypto/rand never fails on the platforms we build for
	}
	code := fmt.Sprintf("%08d", n.Int64())
	j.mu.Lock()
	defer j.mu.Unlock()
	exp := j.now().Add(JoinCodeTTL)
	j.codes[code] = exp
	return code, exp
}

// Use reports whether code is valid, and spends it.
func (j *JoinCodes) Use(code string) bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	now := j.now()
	ok := false
	for c, exp := range j.codes {
		if now.After(exp) {
			delete(j.codes, c)
			continue
		}
		if subtle.ConstantTimeCompare([]byte(c), []byte(code)) == 1 {
			delete(j.codes, c)
			ok = true
		}
	}
	return ok
}

// authorizedKeys is an authorized_keys file, read again when it changes.
// Unlike wish.WithAuthorizedKeys it skips a bad line instead of refusing
// every key after it.
type authorizedKeys struct {
	path string
	mu   sync.Mutex
	mod  time.Time
	keys []gossh.PublicKey
}

func (a *authorizedKeys) allowed(k ssh.PublicKey) bool {
	if a == nil || a.path == "" {
		return false
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	st, err := os.Stat(a.path)
	if err != nil {
		return false
	}
	if !st.ModTime().Equal(a.mod) {
		a.keys, a.mod = parseAuthorizedKeys(a.path), st.ModTime()
	}
	for _, ak := range a.keys {
		if ssh.KeysEqual(ak, k) {
			return true
		}
	}
	return false
}

func parseAuthorizedKeys(path string) []gossh.PublicKey {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	return parseKeys(b)
}

// CountAuthorizedKeys is how many public keys an authorized_keys file's
// contents b hold (bad lines skipped, as the server skips them).
func CountAuthorizedKeys(b []byte) int { return len(parseKeys(b)) }

func parseKeys(b []byte) []gossh.PublicKey {
	var out []gossh.PublicKey
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		if k, _, _, _, err := gossh.ParseAuthorizedKey(line); err == nil {
			out = append(out, k)
		}
	}
	return out
}

// Identity is who logged in, as the technician's screen and the journal
// name them.
type Identity struct {
	User        string
	Fingerprint string // of the public key; "" for a join code
	Method      string // "key" or "code"
}

// Name is "user (SHA256:...)" or "user (join code)".
func (id Identity) Name() string {
	if id.Method == "code" {
		return id.User + " (join code)"
	}
	return id.User + " (" + id.Fingerprint + ")"
}

type identityKey struct{}

func identityOf(ctx ssh.Context) Identity {
	id, _ := ctx.Value(identityKey{}).(Identity)
	return id
}

// publicKeyHandler lets in the keys of the authorized_keys file.
func (a *authorizedKeys) handler() ssh.PublicKeyHandler {
	return func(ctx ssh.Context, k ssh.PublicKey) bool {
		if !a.allowed(k) {
			return false
		}
		ctx.SetValue(identityKey{}, Identity{User: ctx.User(), Fingerprint: Fingerprint(k), Method: "key"})
		return true
	}
}

// codeHandler asks for a join code (keyboard-interactive).
func codeHandler(j *JoinCodes) ssh.KeyboardInteractiveHandler {
	return func(ctx ssh.Context, ch gossh.KeyboardInteractiveChallenge) bool {
		// OpenSSH prints the instruction with every non-ASCII byte as an
		// octal escape, the prompt as it is: the Chinese goes in the prompt.
		ans, err := ch("posdoctor", "Enter the join code shown on the technician's screen.",
			[]string{"join code / 技术员屏幕上的加入码: "}, []bool{true})
		if err != nil || len(ans) != 1 || !j.Use(string(bytes.TrimSpace([]byte(ans[0])))) {
			return false
		}
		ctx.SetValue(identityKey{}, Identity{User: ctx.User(), Method: "code"})
		return true
	}
}
