package remote

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/charmbracelet/keygen"
	gossh "golang.org/x/crypto/ssh"
)

// ConfigDir is posdoctor's directory in the user config dir, where the host
// key, the client key for the relay and authorized_keys live.
func ConfigDir() (string, error) {
	d, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("no user config dir: %w", err)
	}
	return filepath.Join(d, "posdoctor"), nil
}

// DefaultAuthorizedKeys is the config dir's authorized_keys.
func DefaultAuthorizedKeys() string {
	d, err := ConfigDir()
	if err != nil {
		return ""
	}
	return filepath.Join(d, "authorized_keys")
}

// EnsureKey loads the ed25519 private key at path, generating it (mode
// 0600, with path.pub) the first time. It returns the signer.
func EnsureKey(path string) (gossh.Signer, error) {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, fmt.Errorf("key dir: %w", err)
		}
		if _, err := keygen.New(path, keygen.WithKeyType(keygen.Ed25519), keygen.WithWrite()); err != nil {
			return nil, fmt.Errorf("generate key %s: %w", path, err)
		}
		_ = os.Chmod(path, 0o600)
	}
	pem, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read key: %w", err)
	}
	s, err := gossh.ParsePrivateKey(pem)
	if err != nil {
		return nil, fmt.Errorf("key %s: %w", path, err)
	}
	return s, nil
}

// Fingerprint is the SHA256 fingerprint of a public key, as ssh-keygen -l
// prints it.
func Fingerprint(k gossh.PublicKey) string { return gossh.FingerprintSHA256(k) }
