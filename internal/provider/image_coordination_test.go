package provider

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestWriteLocksSerializeOneImage(t *testing.T) {
	var locks writeLocks
	var inside, most atomic.Int32
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			unlock := locks.lock("KR", "1")
			defer unlock()
			n := inside.Add(1)
			for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
			}
			time.Sleep(5 * time.Millisecond)
			inside.Add(-1)
		}()
	}
	wg.Wait()
	if most.Load() != 1 {
		t.Fatalf("%d writes to one image ran at once, want 1", most.Load())
	}

	// Other images do not wait.
	unlock := locks.lock("KR", "1")
	defer unlock()
	done := make(chan struct{})
	go func() { locks.lock("KR", "2")(); locks.lock("SGN", "1")(); close(done) }()
	select {
	case <-done:
	case <-time.After(time.Second):
		t.Fatal("a write to another image waited for image KR/1")
	}
}

func TestPlanClaims(t *testing.T) {
	var claims planClaims
	if _, conflict := claims.claim("KR", "1", []string{"a@x.com", "B@x.com"}); conflict {
		t.Fatal("the first claim conflicts")
	}
	if _, conflict := claims.claim("KR", "1", []string{"b@x.com", "A@X.com"}); conflict {
		t.Fatal("the same set in another order and case conflicts")
	}
	if _, conflict := claims.claim("SGN", "1", []string{"c@x.com"}); conflict {
		t.Fatal("the same number in another region conflicts")
	}
	other, conflict := claims.claim("KR", "1", []string{"c@x.com"})
	if !conflict || len(other) != 2 {
		t.Fatalf("another set for the same image: conflict %v with %q, want a conflict with the first set", conflict, other)
	}
}
