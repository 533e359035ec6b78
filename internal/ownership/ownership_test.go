package ownership

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ncloudimage/terraform-provider-ncloudimage/internal/ncloud"
)

var kr1 = ncloud.ImageKey{Region: "KR", No: "1"}

func TestWriteLocksSerializeOneImage(t *testing.T) {
	var locks Writes
	var inside, most atomic.Int32
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			unlock := locks.Lock(kr1)
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
	unlock := locks.Lock(kr1)
	defer unlock()
	done := make(chan struct{})
	go func() {
		locks.Lock(ncloud.ImageKey{Region: "KR", No: "2"})()
		locks.Lock(ncloud.ImageKey{Region: "SGN", No: "1"})()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(time.Second):
		t.Fatal("a write to another image waited for image KR/1")
	}
}

func TestPlanClaimsOneOwnerPerImage(t *testing.T) {
	var claims Claims
	if claims.Claim(kr1, "instance-a") {
		t.Fatal("the first claim conflicts")
	}
	if claims.Claim(kr1, "instance-a") {
		t.Fatal("the same instance planned again (a replacement) conflicts")
	}
	if claims.Claim(ncloud.ImageKey{Region: "SGN", No: "1"}, "instance-b") {
		t.Fatal("the same number in another region conflicts")
	}
	if !claims.Claim(kr1, "instance-b") {
		t.Fatal("a second instance on the same image does not conflict")
	}
}

func TestWriteLocksRememberWrites(t *testing.T) {
	var locks Writes
	locks.MarkWritten(kr1)
	if !locks.WrittenHere(kr1) {
		t.Error("a written image is not remembered")
	}
	if locks.WrittenHere(ncloud.ImageKey{Region: "SGN", No: "1"}) || locks.WrittenHere(ncloud.ImageKey{Region: "KR", No: "2"}) {
		t.Error("an image that was not written is reported written")
	}
}
