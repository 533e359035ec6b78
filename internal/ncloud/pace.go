package ncloud

import (
	"context"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// The pace that throttling imposes, in requests per second.
const (
	slowStart = rate.Limit(10)   // after a first throttle: one start every 100 ms
	slowest   = rate.Limit(0.5)  // throttling never slows below one start every 2 s
	recovered = rate.Limit(1000) // a slowdown is over once the pace is back above this
	// probeFor is how long the pace of the last throttle stays known: the
	// gateway counts requests per second, so its limit outlasts a burst.
	probeFor = time.Minute
	// pauseFor is how long no request starts after a slowdown: the gateway
	// refuses requests until its count for the second falls, whatever the
	// pace, and requests refused then would slow the pace again for
	// nothing.
	pauseFor = time.Second
)

// pacer spaces the starts of a client's requests with a rate.Limiter of
// burst 1. Its limit is Config.MaxRequestsPerSecond (rate.Inf without one).
// A provider's parallel operations share one client, and the gateway
// throttles them together, so they slow down together: when requests are
// throttled, none starts for pauseFor, and then at half the pace (slowStart
// the first time), down to slowest. Each success raises the pace by 1/15 up
// to three quarters of the pace that was throttled, and from there by 1/64
// of it, so that the client settles just under the gateway's rate and
// probes it slowly instead of overrunning it again; a minute after the
// last throttle, on up to the configured cap.
type pacer struct {
	mu      sync.Mutex // orders the changes of the limit, each read-modify-write
	cap     rate.Limit
	lim     *rate.Limiter
	cut     time.Time  // the last slowdown; no request starts until pauseFor after it
	ceiling rate.Limit // the pace the last slowdown was from
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
	for {
		p.mu.Lock()
		lim, resume := p.lim, p.cut.Add(pauseFor)
		p.mu.Unlock()
		if pause := time.Until(resume); pause > 0 {
			if deadline, ok := ctx.Deadline(); ok && deadline.Before(resume) {
				return context.DeadlineExceeded
			}
			t := time.NewTimer(pause)
			select {
			case <-ctx.Done():
				t.Stop()
				return ctx.Err()
			case <-t.C:
			}
		}
		if err := lim.Wait(ctx); err != nil {
			return err
		}
		p.mu.Lock()
		current := p.lim == lim
		p.mu.Unlock()
		if current {
			return nil
		}
		// A slowdown came while this request waited for a turn at the
		// old pace: it waits for one at the new pace, after the pause.
	}
}

// throttled slows every later request, after a throttled answer to a
// request that asked for its turn at paced. Requests that asked before the
// last slowdown were paced at the old rate and slow nothing more: ten
// requests in flight throttled together are one signal, not ten halvings.
// The slowdown takes a new limiter: the old one owes the turns it promised
// its waiters at the faster pace, and at the slower one that debt would
// stall every later request for seconds (its waiters wait again: see wait).
func (p *pacer) throttled(paced time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if paced.Before(p.cut) {
		return
	}
	limit := slowStart // the first slowdown, from no limit at all
	if p.lim.Limit() != rate.Inf {
		limit = min(p.cap, max(p.lim.Limit()/2, slowest))
	}
	p.cut, p.ceiling = time.Now(), 2*limit
	p.lim = rate.NewLimiter(limit, 1)
}

// succeeded lets the pace recover.
func (p *pacer) succeeded() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.lim.Limit() == p.cap {
		return
	}
	limit := p.lim.Limit() * 16 / 15
	if near := p.ceiling * 3 / 4; limit > near && time.Since(p.cut) < probeFor {
		limit = max(near, p.lim.Limit()+p.ceiling/64)
	}
	if limit >= p.cap || limit > recovered {
		limit = p.cap
	}
	p.lim.SetLimit(limit)
}
