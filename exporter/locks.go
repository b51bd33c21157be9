package exporter

import (
	"context"
	"sync"
)

// targetLocks lets one probe at a time talk to a terminal: a terminal has
// one serial line and one ZVT master, so a second probe of the same
// target waits for the first (or for its own deadline).
type targetLocks struct {
	mu sync.Mutex
	m  map[string]*targetLock
}

type targetLock struct {
	ch   chan struct{} // holds one token while a probe runs
	refs int           // probes holding or waiting for it
}

func newTargetLocks() *targetLocks { return &targetLocks{m: map[string]*targetLock{}} }

// lock waits until no other probe talks to target, or ctx is done (then it
// returns ctx's error and holds nothing). The returned function releases.
func (l *targetLocks) lock(ctx context.Context, target string) (func(), error) {
	l.mu.Lock()
	tl := l.m[target]
	if tl == nil {
		tl = &targetLock{ch: make(chan struct{}, 1)}
		l.m[target] = tl
	}
	tl.refs++
	l.mu.Unlock()
	select {
	case tl.ch <- struct{}{}:
		return func() { <-tl.ch; l.done(target, tl) }, nil
	case <-ctx.Done():
		l.done(target, tl)
		return nil, ctx.Err()
	}
}

// done drops one reference; the last one removes the entry, so the map
// holds only terminals being probed.
func (l *targetLocks) done(target string, tl *targetLock) {
	l.mu.Lock()
	tl.refs--
	if tl.refs == 0 {
		delete(l.m, target)
	}
	l.mu.Unlock()
}

// held is how many terminals have a probe running or waiting (tests).
func (l *targetLocks) held() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.m)
}
