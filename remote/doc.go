// Package remote serves posdoctor's console over SSH (charm.land/wish/v2):
//
//   - Share: the technician's live case (ui.Case) for helpdesk viewers, each
//     at their own size and language, read-only until the technician grants
//     control; on a local address (--share) and/or through a stock OpenSSH
//     relay that the laptop dials out to (--share-via, tcpip-forward).
//   - Consoles: `serve --ssh`, one console per SSH login on the store PC,
//     with one login at a time on the terminal (a Lease): a second login is
//     told who has it and waits (watching the first one's console
//     read-only if it likes), and its console opens when the first leaves;
//     their commands never interleave on the terminal's line.
//
// Security (issue 11): public-key authentication from an authorized_keys
// file, or a one-time join code (keyboard-interactive, single use, 10
// minutes); the host key is generated once (ed25519, 0600) in the user
// config dir and its fingerprint shown; the relay's host key is checked
// against known_hosts or a pinned fingerprint; idle viewers time out; a
// handful of sessions at most. Card data stays masked: the views render the
// case, whose trace the drivers mask.
//
// Files: server.go (the wish server, caps, idle timeout), auth.go
// (authorized keys, join codes), hostkey.go, locale.go, share.go (viewers of
// one case), relay.go (the relay client), consoles.go (serve --ssh: each login's
// turn), waiting.go (the waiting screen, watching), lease.go (one login at a time on the terminal).
package remote
