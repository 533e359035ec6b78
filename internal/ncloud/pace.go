package ncloud

import (
	"context"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// The pace that throttling imposes, in requests per second.
const (
	slowStart = rate.Limit(20)   // after a first throttle: one start every 50 ms
	slowest   = rate.Limit(0.5)  // throttling never slows below one start every 2 s
	recovered = rate.Limit(1000) // a slowdown is over once the pace is back above this
)

// pacer spaces the starts of a client's requests with a rate.Limiter of
// burst 1. Its limit is Config.MaxRequestsPerSecond (rate.Inf without one).
// A provider's parallel operations share one client, and the gateway
// throttles them together: when one request is throttled the limit halves
// (once for the requests sent at that pace),
// down to slowest, so that they all slow down, and each success raises it by
// 1/15, back to the configured cap, so that the client settles just under the
// gateway's rate instead of retrying in bursts.
type pacer struct {
	mu  sync.Mutex // orders the changes of the limit, each read-modify-write
	cap rate.Limit
	lim *rate.Limiter
	cut time.Time // the last slowdown
}

func newPacer(perSecond float64) *pacer {
	p := &pacer{cap: rate.Inf}
	if perSecond > 0 {
		p.cap = rate.Limit(perSecond)
	}
	p.lim = rate.NewLimiter(p.cap, 1)
	return p
}

// wait blocks until the request's turn. It fails at once, without waiting,
// when ctx's deadline comes before that turn, and when ctx ends meanwhile.
func (p *pacer) wait(ctx context.Context) error {
	p.mu.Lock()
	lim := p.lim
	p.mu.Unlock()
	return lim.Wait(ctx)
}

// throttled slows every later request, after a throttled answer to a
// request that asked for its turn at paced. Requests that asked before the
// last slowdown were paced at the old rate and slow nothing more: ten
// requests in flight throttled together are one signal, not ten halvings.
// The slowdown takes a new limiter: the old one owes the turns it promised
// its waiters at the faster rate, and at the slower one that debt would
// stall every later request for seconds.
func (p *pacer) throttled(paced time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if paced.Before(p.cut) {
		return
	}
	p.cut = time.Now()
	p.lim = rate.NewLimiter(min(p.cap, max(min(p.lim.Limit()/2, slowStart), slowest)), 1)
}

// succeeded lets the pace recover.
func (p *pacer) succeeded() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.lim.Limit() == p.cap {
		return
	}
	limit := p.lim.Limit() * 16 / 15
	if limit >= p.cap || limit > recovered {
		limit = p.cap
	}
	p.lim.SetLimit(limit)
}
