package provider

import (
	"errors"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/ncloudimage/terraform-provider-ncloudimage/internal/emulator"
	"github.com/ncloudimage/terraform-provider-ncloudimage/internal/ncloud"
)

// Workers stand in for Terraform's: each looks up one image after another,
// and the second half starts while the first call is in flight. Every call
// after the first must carry all ten workers' lookups; batches that stay at
// the size of the first one double the calls and the round trips.
func TestImageReaderBatchesGrowToAllWorkers(t *testing.T) {
	const workers, perWorker = 10, 5
	r, emu := directResource(t)
	for i := range workers * perWorker {
		emu.PutImage(emulator.Image{No: strconv.Itoa(20000 + i), Name: "image-" + strconv.Itoa(i)})
	}
	emu.SetLatency(20 * time.Millisecond)
	emu.ResetCalls()

	var wg sync.WaitGroup
	errs := make(chan error, workers*perWorker)
	for w := range workers {
		wg.Go(func() {
			if w >= workers/2 {
				time.Sleep(readWindow + 5*time.Millisecond) // joins during the first call
			}
			for i := range perWorker {
				no := strconv.Itoa(20000 + w*perWorker + i)
				img, err := r.data.images.get(t.Context(), defaultRegion, no)
				if err == nil && img.InstanceNo != no {
					err = errors.New("lookup of " + no + " answered with " + img.InstanceNo)
				}
				errs <- err
				time.Sleep(time.Millisecond) // Terraform finishing the resource and starting the next
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	// 5 in the first call, then 10, 10, 10, 10, and the last 5.
	if calls := emu.Calls("getMemberServerImageInstanceList"); calls > 6 {
		t.Errorf("%d lookups from %d workers took %d calls, want at most 6", workers*perWorker, workers, calls)
	}
}

func TestImageReaderMissingImageIsNotFound(t *testing.T) {
	r, _ := directResource(t)
	_, err := r.data.images.get(t.Context(), defaultRegion, "99999")
	if !errors.Is(err, ncloud.ErrNotFound) {
		t.Fatalf("err = %v, want ncloud.ErrNotFound", err)
	}
	if img, err := r.data.images.get(t.Context(), defaultRegion, testImageNo); err != nil || img.InstanceNo != testImageNo {
		t.Fatalf("lookup of %s: %v, %v", testImageNo, img, err)
	}
}
