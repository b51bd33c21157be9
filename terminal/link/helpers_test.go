package link_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"
)

type notes struct {
	mu  sync.Mutex
	msg []string
}

func (n *notes) add(s string) { n.mu.Lock(); n.msg = append(n.msg, s); n.mu.Unlock() }
func (n *notes) has(sub string) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, m := range n.msg {
		if strings.Contains(m, sub) {
			return true
		}
	}
	return false
}

func ctxT(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}
