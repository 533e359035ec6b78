package benchmark

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ncloudimage/terraform-provider-ncloudimage/internal/emulator"
)

// newTestRunner is a Runner whose terraform is the shell script script, and
// whose emulator is not started, so that the Runner's own bookkeeping can
// be checked without terraform.
func newTestRunner(t *testing.T, emu *emulator.Server, script string) *Runner {
	t.Helper()
	dir := t.TempDir()
	tf := filepath.Join(dir, "terraform")
	if err := os.WriteFile(tf, []byte("#!/bin/sh\n"+script+"\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "terraform-provider-ncloudimage")
	if err := os.WriteFile(bin, nil, 0o700); err != nil {
		t.Fatal(err)
	}
	r, err := NewRunner(Options{
		Terraform: tf, ProviderBin: bin, Emulator: emu,
		Parallelism: 1, WorkDir: dir, Progress: io.Discard,
	})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestLargeRegion(t *testing.T) {
	emu := emulator.New(emulator.Options{})
	// Each command takes long enough for the test to see the region's images.
	r := newTestRunner(t, emu, "sleep 0.2")
	r.seed(MemberSharing, 30) // an earlier run's images stay in the region
	r.seed(ServerSharing, 7)

	lastOther := strconv.Itoa(FirstOtherImageNo + 69)
	seen := make(chan bool)
	done := make(chan struct{})
	go func() {
		for {
			if img, ok := emu.Image(lastOther); ok {
				seen <- img.Hypervisor == "XEN"
				return
			}
			select {
			case <-done:
				seen <- false
				return
			case <-time.After(time.Millisecond):
			}
		}
	}()
	l := r.LargeRegion(context.Background(), MemberSharing, 5, 100)
	close(done)
	if !<-seen {
		t.Errorf("image %s, the 70th other XEN image, was not in the region during the run", lastOther)
	}
	if l.Kind != MemberSharing || l.N != 5 || l.Images != 100 || l.OtherHypervisor != 7 {
		t.Errorf("LargeRegion = %+v, want 5 of 100 XEN images, and 7 KVM images", l)
	}
	if len(l.Phases) != len(Phases) {
		t.Errorf("%d phases, want %d: %+v", len(l.Phases), len(Phases), l.Phases)
	}
	// The 70 others are gone; the benchmark's own images stay.
	for i := range 70 {
		no := strconv.Itoa(FirstOtherImageNo + i)
		if _, ok := emu.Image(no); ok {
			t.Errorf("image %s of the large region is left", no)
		}
	}
	if _, ok := emu.Image(ImageNo(MemberSharing, 29)); !ok {
		t.Error("an earlier run's image was deleted")
	}

	// A region that holds more than asked gets no others. A failed command
	// ends the run, named apart from the runs of Run.
	r = newTestRunner(t, emu, "exit 1")
	r.seed(MemberSharing, 30)
	r.seed(ServerSharing, 7)
	l = r.LargeRegion(context.Background(), ServerSharing, 3, 5)
	if l.Images != 7 || l.OtherHypervisor != 30 {
		t.Errorf("LargeRegion = %+v, want the 7 KVM images there are, and 30 XEN images", l)
	}
	if len(l.Phases) != 1 || l.Phases[0].Err == nil || !strings.Contains(l.Phases[0].Err.Error(), "large-region N=3 ncloudimage server create") {
		t.Errorf("phases of a failing terraform: %+v", l.Phases)
	}
}

// The per-call provider must sit beside the provider: dev_overrides load
// all of them from one directory.
func TestNewRunnerPerCallBeside(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "terraform-provider-ncloudimage")
	if err := os.WriteFile(bin, nil, 0o700); err != nil {
		t.Fatal(err)
	}
	_, err := NewRunner(Options{ProviderBin: bin, PerCallBin: filepath.Join(t.TempDir(), "terraform-provider-percall"),
		Emulator: emulator.New(emulator.Options{}), WorkDir: dir})
	if err == nil || !strings.Contains(err.Error(), "must be terraform-provider-percall beside") {
		t.Errorf("NewRunner with the per-call provider elsewhere: %v", err)
	}
}
