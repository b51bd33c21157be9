package remote

import (
	"context"
	"sync"
	"time"
)

// Lease lets one SSH login at a time talk to the terminal (`serve --ssh`):
// a serial line carries one conversation, so a second login waits for the
// first to give the terminal back instead of interleaving its commands.
type Lease struct {
	now func() time.Time

	mu     sync.Mutex
	held   bool
	holder Holder
	free   chan struct{} // closed when the holder gives the terminal back
}

// Holder is who has the terminal, as a waiting login is told.
type Holder struct {
	Name  string
	Since time.Time
}

// NewLease makes a free lease; now is the clock (time.Now when nil).
func NewLease(now func() time.Time) *Lease {
	if now == nil {
		now = time.Now
	}
	return &Lease{now: now, free: make(chan struct{})}
}

// Holder reports who has the terminal now (ok false when it is free).
func (l *Lease) Holder() (h Holder, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.holder, l.held
}

// Acquire takes the terminal for who, waiting while someone else has it;
// waiting is told who that is (once per holder). It gives up with ctx's
// error when ctx ends (the login left while waiting). The returned release
// gives the terminal back; calling it more than once is harmless.
func (l *Lease) Acquire(ctx context.Context, who string, waiting func(Holder)) (release func(), err error) {
	var told Holder
	for {
		if r, ok := l.TryAcquire(who); ok {
			return r, nil
		}
		l.mu.Lock()
		h, free, held := l.holder, l.free, l.held
		l.mu.Unlock()
		if !held {
			continue // given back in between
		}
		if h != told && waiting != nil {
			waiting(h)
			told = h
		}
		select {
		case <-free:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// TryAcquire takes the terminal for who if it is free.
func (l *Lease) TryAcquire(who string) (release func(), ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.held {
		return nil, false
	}
	l.held, l.holder = true, Holder{Name: who, Since: l.now()}
	var once sync.Once
	return func() { once.Do(l.release) }, true
}

func (l *Lease) release() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.held, l.holder = false, Holder{}
	close(l.free)
	l.free = make(chan struct{})
}
