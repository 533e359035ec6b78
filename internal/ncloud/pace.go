package ncloud

import (
	"context"
	"net/http"
	"sync"
	"time"
)

const (
	paceStart = 50 * time.Millisecond // the spacing after a first throttle
	paceMax   = 2 * time.Second
)

// pacer spaces the starts of a client's requests. A provider's parallel
// operations share one client, and the gateway throttles them together: when
// one request is throttled, the pacer slows them all (the spacing doubles),
// and each success shortens it a little, so the client settles just under
// the gateway's rate instead of retrying in bursts. A configured rate is a
// floor the spacing never goes below.
type pacer struct {
	mu       sync.Mutex
	floor    time.Duration // 1s / Config.MaxRequestsPerSecond; 0 = none
	interval time.Duration // current spacing, never below floor
	next     time.Time     // earliest start of the next request
}

func newPacer(perSecond float64) *pacer {
	p := &pacer{}
	if perSecond > 0 {
		p.floor = time.Duration(float64(time.Second) / perSecond)
		p.interval = p.floor
	}
	return p
}

// wait blocks until the request's turn, or until ctx ends.
func (p *pacer) wait(ctx context.Context) error {
	p.mu.Lock()
	start := time.Now()
	if p.next.After(start) {
		start = p.next
	}
	p.next = start.Add(p.interval)
	p.mu.Unlock()

	d := time.Until(start)
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// throttled slows every later request.
func (p *pacer) throttled() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.interval = min(max(2*p.interval, paceStart), paceMax)
}

// succeeded lets the pace recover: 1/16 of the spacing per success.
func (p *pacer) succeeded() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.interval -= p.interval / 16
	if p.interval < p.floor || p.interval < time.Millisecond {
		p.interval = p.floor
	}
}

// pacedTransport waits for the pacer before each attempt, ahead of the
// signer, so that the signature's timestamp is taken after the wait.
type pacedTransport struct {
	pace *pacer
	next http.RoundTripper
}

func (t *pacedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := t.pace.wait(req.Context()); err != nil {
		return nil, err
	}
	return t.next.RoundTrip(req)
}
