package ncloud

import (
	"context"
	"testing"
	"time"

	"golang.org/x/time/rate"
)

// spacing is the time between request starts that the pacer allows now.
func (p *pacer) spacing() time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.lim.Limit() == rate.Inf {
		return 0
	}
	return time.Duration(float64(time.Second) / float64(p.lim.Limit()))
}

func TestPacerSlowsDownWhenThrottledAndRecovers(t *testing.T) {
	const paceStart, paceMax = 50 * time.Millisecond, 2 * time.Second // 1/slowStart, 1/slowest
	p := newPacer(0)
	if d := p.spacing(); d != 0 {
		t.Fatalf("a new pacer without a rate spaces requests by %s, want 0", d)
	}
	p.throttled(time.Now())
	p.throttled(time.Now())
	if d := p.spacing(); d != 2*paceStart {
		t.Fatalf("after two throttles the spacing is %s, want %s", d, 2*paceStart)
	}
	for range 200 {
		p.succeeded()
	}
	if d := p.spacing(); d != 0 {
		t.Fatalf("after many successes the spacing is %s, want 0", d)
	}
	for range 20 {
		p.throttled(time.Now())
	}
	if d := p.spacing(); d != paceMax {
		t.Fatalf("the spacing grew to %s, want at most %s", d, paceMax)
	}
}

// Throttling never speeds up a configured rate slower than its slowest pace.
func TestPacerThrottleKeepsASlowerCap(t *testing.T) {
	p := newPacer(0.1) // one start every 10 s
	p.throttled(time.Now())
	if d := p.spacing(); d != 10*time.Second {
		t.Fatalf("after a throttle the spacing is %s, want the configured 10s", d)
	}
}

// Requests paced together are throttled together: their answers slow the
// pace once, not once each, and a request paced after the slowdown can slow
// it again.
func TestPacerSlowsOncePerPace(t *testing.T) {
	const paceStart = 50 * time.Millisecond // 1/slowStart
	p := newPacer(0)
	sent := time.Now()
	for range 10 {
		p.throttled(sent)
	}
	if d := p.spacing(); d != paceStart {
		t.Fatalf("after ten throttled answers to requests sent together the spacing is %s, want %s", d, paceStart)
	}
	p.throttled(time.Now())
	if d := p.spacing(); d != 2*paceStart {
		t.Fatalf("after a throttled answer to a request sent at the new pace the spacing is %s, want %s", d, 2*paceStart)
	}
}

// A slowdown does not make later requests wait out the turns promised at
// the faster pace: with ten requests queued at 20/s (half a second of
// turns), a request after a slowdown to 10/s starts within its own
// spacing, not after the queue's second at the new rate.
func TestPacerSlowdownForgetsPromisedTurns(t *testing.T) {
	p := newPacer(0)
	p.throttled(time.Now()) // 20/s
	for range 10 {
		go func() { _ = p.wait(context.Background()) }()
	}
	time.Sleep(10 * time.Millisecond) // the ten are queued
	p.throttled(time.Now())           // 10/s
	start := time.Now()
	if err := p.wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	if waited := time.Since(start); waited > 300*time.Millisecond {
		t.Errorf("a request after the slowdown waited %s, want about one spacing (100ms)", waited)
	}
}

func TestPacerKeepsTheConfiguredRate(t *testing.T) {
	p := newPacer(20) // one start every 50 ms
	for range 200 {
		p.succeeded()
	}
	start := time.Now()
	for range 5 {
		if err := p.wait(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if elapsed := time.Since(start); elapsed < 200*time.Millisecond {
		t.Fatalf("5 requests at 20/s started within %s, want at least 200ms", elapsed)
	}
}

func TestPacerWaitHonoursCancel(t *testing.T) {
	p := newPacer(0.1) // one start every 10 s
	if err := p.wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	if err := p.wait(ctx); err == nil {
		t.Fatal("wait returned no error after its context ended")
	}
	if time.Since(start) > time.Second {
		t.Fatal("wait did not return promptly on cancel")
	}
	ctx, cancel = context.WithCancel(context.Background()) // no deadline: waits until cancelled
	time.AfterFunc(50*time.Millisecond, cancel)
	if err := p.wait(ctx); err != context.Canceled {
		t.Fatalf("wait returned %v after its context was cancelled, want context.Canceled", err)
	}
}
