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

func TestPlanClaimsOneOwnerPerImage(t *testing.T) {
	var claims planClaims
	if claims.claim("KR", "1", "instance-a") {
		t.Fatal("the first claim conflicts")
	}
	if claims.claim("KR", "1", "instance-a") {
		t.Fatal("the same instance planned again (a replacement) conflicts")
	}
	if claims.claim("SGN", "1", "instance-b") {
		t.Fatal("the same number in another region conflicts")
	}
	if !claims.claim("KR", "1", "instance-b") {
		t.Fatal("a second instance on the same image does not conflict")
	}
}

func TestWriteLocksRememberWrites(t *testing.T) {
	var locks writeLocks
	locks.markWritten("KR", "1")
	if !locks.writtenHere("KR", "1") {
		t.Error("a written image is not remembered")
	}
	if locks.writtenHere("SGN", "1") || locks.writtenHere("KR", "2") {
		t.Error("an image that was not written is reported written")
	}
}
