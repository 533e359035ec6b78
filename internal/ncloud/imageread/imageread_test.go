package imageread

import (
	"errors"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/ncloudimage/terraform-provider-ncloudimage/internal/emulator"
	"github.com/ncloudimage/terraform-provider-ncloudimage/internal/ncloud"
)

const (
	testAccessKey = "test-access-key"
	testSecretKey = "test-secret-key"
)

// memberReader is a member image Reader on a fresh emulator.
func memberReader(t *testing.T) (*Reader[ncloud.MemberServerImage], *emulator.Server) {
	t.Helper()
	client, emu := emulatorClient(t)
	return MemberImages(client), emu
}

// emulatorClient is an API client of a fresh emulator.
func emulatorClient(t *testing.T) (*ncloud.Client, *emulator.Server) {
	t.Helper()
	emu := emulator.New(emulator.Options{AccessKey: testAccessKey, SecretKey: testSecretKey})
	if err := emu.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(emu.Close)
	client, err := ncloud.New(ncloud.Config{AccessKey: testAccessKey, SecretKey: testSecretKey, BaseURL: emu.URL()})
	if err != nil {
		t.Fatal(err)
	}
	return client, emu
}

// Workers stand in for Terraform's: each looks up one image after another,
// and the second half starts while the first call is in flight. Every call
// after the first must carry all ten workers' lookups; batches that stay at
// the size of the first one double the calls and the round trips.
func TestBatchesGrowToAllWorkers(t *testing.T) {
	const workers, perWorker = 10, 5
	r, emu := memberReader(t)
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
				img, err := r.Get(t.Context(), ncloud.ImageKey{Region: "KR", No: no})
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

func TestMissingImageIsNotFound(t *testing.T) {
	r, emu := memberReader(t)
	emu.PutImage(emulator.Image{No: "20001", Name: "golden"})
	_, err := r.Get(t.Context(), ncloud.ImageKey{Region: "KR", No: "99999"})
	if !errors.Is(err, ncloud.ErrNotFound) {
		t.Fatalf("err = %v, want ncloud.ErrNotFound", err)
	}
	if img, err := r.Get(t.Context(), ncloud.ImageKey{Region: "KR", No: "20001"}); err != nil || img.InstanceNo != "20001" {
		t.Fatalf("lookup of 20001: %v, %v", img, err)
	}
	// Numbers are unique within a region only.
	if _, err := r.Get(t.Context(), ncloud.ImageKey{Region: "JPN", No: "20001"}); !errors.Is(err, ncloud.ErrNotFound) {
		t.Fatalf("lookup of 20001 in JPN: err = %v, want ncloud.ErrNotFound", err)
	}
}

func TestRecentAnswersStandIn(t *testing.T) {
	r, emu := memberReader(t)
	emu.PutImage(emulator.Image{No: "20001", Name: "golden"})
	k := ncloud.ImageKey{Region: "KR", No: "20001"}
	if _, ok := r.Recent(k); ok {
		t.Fatal("an image never looked up is recent")
	}
	if _, err := r.Get(t.Context(), k); err != nil {
		t.Fatal(err)
	}
	if img, ok := r.Recent(k); !ok || img.InstanceNo != "20001" {
		t.Fatalf("Recent = %v, %v after a lookup", img, ok)
	}
	if _, ok := r.Recent(ncloud.ImageKey{Region: "SGN", No: "20001"}); ok {
		t.Error("the answer of one region stands in for another")
	}
}
