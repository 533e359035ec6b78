package benchmark

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ncloudimage/terraform-provider-ncloudimage/internal/emulator"
)

// The conditions of TestCallCountTargets. The numbers of calls do not depend
// on the latency; a short one keeps the test quick.
const (
	targetsN           = 50
	targetsLatency     = 20 * time.Millisecond
	targetsParallelism = 10 // terraform's default
	throttledTargetN   = 100
	throttledRate      = 10.0 // calls per second

	targetsAccessKey = "targets-access-key"
	targetsSecretKey = "targets-secret-key"
)

// TestCallCountTargets runs the real terraform CLI against the emulator
// through the benchmark's Runner and asserts the call-count targets of the
// benchmark issue. Calls are deterministic and asserted; times are not, and
// are only logged.
func TestCallCountTargets(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: runs terraform against the emulator; set TF_ACC=1 (make test does)")
	}
	tf := terraformForTargets(t)
	version, err := TerraformVersion(t.Context(), tf)
	if err != nil {
		t.Fatalf("%s: %v", tf, err)
	}
	t.Logf("terraform %s (%s)", version, tf)
	bin := buildProviderForTargets(t)

	t.Run("create_plan_update", func(t *testing.T) {
		runner, progress := newTargetsRunner(t, tf, bin)
		run := runner.RunSharing(t.Context(), targetsN)
		n := run.N
		for _, p := range Phases {
			if m, ran := phaseAt(run.Ours, p); ran {
				t.Logf("%-15s %s", p.String()+":", describe(m))
			}
		}
		readLimit := n/5 + 2

		if m, ok := phaseForTargets(t, run, Create); ok {
			if m.Total > 2*n {
				t.Errorf("create of %d resources: %d calls, want at most 2N = %d; by operation: %s",
					n, m.Total, 2*n, describe(m))
			}
			if w := m.writes(); w != n {
				t.Errorf("create of %d resources: %d writes, want one per resource = %d; by operation: %s",
					n, w, n, describe(m))
			}
		}

		if m, ok := phaseForTargets(t, run, Plan); ok {
			if m.Total > readLimit {
				t.Errorf("no-change plan of %d resources at -parallelism=%d: %d calls, want at most N/5 + 2 = %d; by operation: %s",
					n, targetsParallelism, m.Total, readLimit, describe(m))
			}
			if w := m.writes(); w != 0 {
				t.Errorf("no-change plan of %d resources: %d writes, want none; by operation: %s", n, w, describe(m))
			}
		}

		if m, ok := phaseForTargets(t, run, Update); ok {
			changed := ChangedCount(n)
			if w := m.writes(); w != changed {
				t.Errorf("update of %d of %d resources: %d writes, want one per changed resource = %d; by operation: %s",
					changed, n, w, changed, describe(m))
			}
			// The image number did not change: the only reads are the
			// refresh's list calls, which read each image once; no image
			// is looked up in the plan. The number of list calls depends on
			// how the reads fall into batches; the images they name do not.
			if images, unfiltered := imagesListed(progress.phase(Update)); images > n || unfiltered > 0 {
				t.Errorf("update of %d of %d resources: the list calls named %d images and %d listed every image, "+
					"want at most %d, each image once, by the refresh (more: the plan looked images up); by operation: %s",
					changed, n, images, unfiltered, n, describe(m))
			}
			reads := m.Total - m.writes()
			if reads > readLimit {
				t.Errorf("update of %d of %d resources: %d reads, want at most N/5 + 2 = %d (the refresh's list calls only); by operation: %s",
					changed, n, reads, readLimit, describe(m))
			}
			if other := nonListReads(m); len(other) > 0 {
				t.Errorf("update of %d of %d resources: reads other than list calls (%s), want none: "+
					"the image number did not change, so the plan must not look the image up; by operation: %s",
					changed, n, strings.Join(other, ", "), describe(m))
			}
		}

		// Not a target, but a destroy that fails is a failure of the provider.
		phaseForTargets(t, run, Destroy)
	})

	t.Run("throttled", func(t *testing.T) {
		runner, _ := newTargetsRunner(t, tf, bin)
		th := runner.Throttled(t.Context(), throttledTargetN, throttledRate)
		m := th.Create
		t.Logf("apply of %d resources at %g calls/s: %s", th.N, th.Rate, describe(m))
		if m.Err != nil {
			t.Errorf("apply of %d resources at %g calls/s failed, want it to complete (%s):\n%v",
				th.N, th.Rate, describe(m), m.Err)
		}
		if m.Total == 0 {
			t.Fatalf("apply of %d resources at %g calls/s: the emulator counted no calls", th.N, th.Rate)
		}
		if share := float64(m.TooMany) / float64(m.Total); share >= target429Share {
			t.Errorf("apply of %d resources at %g calls/s: %d of %d calls answered 429 = %.1f%%, want under %g%%; by operation: %s",
				th.N, th.Rate, m.TooMany, m.Total, 100*share, 100*target429Share, describe(m))
		}
	})
}

// phaseForTargets returns the measurement of phase p, reporting an error
// when the phase failed or did not run because an earlier one failed.
func phaseForTargets(t *testing.T, run Run, p Phase) (Measurement, bool) {
	t.Helper()
	m, ran := phaseAt(run.Ours, p)
	switch {
	case !ran:
		t.Errorf("%s of %d resources: not run, an earlier phase failed", p, run.N)
		return m, false
	case m.Err != nil:
		t.Errorf("%s of %d resources failed (%s):\n%v", p, run.N, describe(m), m.Err)
		return m, false
	}
	return m, true
}

// describe is a measurement's calls by operation, 429s and wall time.
func describe(m Measurement) string {
	return fmt.Sprintf("%d calls [%s], %d answered 429, %s", m.Total, breakdown(m.Calls), m.TooMany, seconds(m.Wall))
}

// nonListReads lists the operations of m, with their counts, that neither
// change sharing nor are list calls.
func nonListReads(m Measurement) []string {
	var ops []string
	for op, c := range m.Calls {
		if isWrite(op) || strings.HasSuffix(op, "List") {
			continue
		}
		ops = append(ops, fmt.Sprintf("%s %d", op, c))
	}
	return ops
}

// terraformForTargets is TF_ACC_TERRAFORM_PATH, else terraform on PATH; the
// test is skipped when there is neither. Terraform is never downloaded.
func terraformForTargets(t *testing.T) string {
	t.Helper()
	if tf := os.Getenv("TF_ACC_TERRAFORM_PATH"); tf != "" {
		return tf
	}
	tf, err := exec.LookPath("terraform")
	if err != nil {
		t.Skip("no terraform: set TF_ACC_TERRAFORM_PATH to an installed terraform or put one on PATH (nothing is downloaded)")
	}
	return tf
}

// buildProviderForTargets builds the provider's main package into a
// temporary directory and returns the binary's path.
func buildProviderForTargets(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "terraform-provider-ncloudimage")
	build := exec.CommandContext(t.Context(), "go", "build", "-o", bin, "github.com/ncloudimage/terraform-provider-ncloudimage")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build of the provider: %v\n%s", err, out)
	}
	return bin
}

// newTargetsRunner starts an emulator for the test and a Runner on it, and
// returns the Runner's progress log, which keeps each phase's requests.
func newTargetsRunner(t *testing.T, tf, bin string) (*Runner, *phaseLog) {
	t.Helper()
	emu := emulator.New(emulator.Options{AccessKey: targetsAccessKey, SecretKey: targetsSecretKey})
	if err := emu.Start(); err != nil {
		t.Fatalf("start the emulator: %v", err)
	}
	t.Cleanup(emu.Close)
	progress := &phaseLog{t: t, emu: emu}
	r, err := NewRunner(Options{
		Terraform:   tf,
		ProviderBin: bin,
		Emulator:    emu,
		AccessKey:   targetsAccessKey,
		SecretKey:   targetsSecretKey,
		Latency:     targetsLatency,
		Parallelism: targetsParallelism,
		WorkDir:     t.TempDir(),
		Progress:    progress,
	})
	if err != nil {
		t.Fatal(err)
	}
	return r, progress
}

// phaseLog is the Runner's Progress writer: it writes the progress lines to
// the test log and keeps the requests of each phase. The Runner writes one
// line per terraform command, after it has counted the command's calls and
// before the next command resets the emulator's record, so that line i is
// phase i of a run.
type phaseLog struct {
	t        *testing.T
	emu      *emulator.Server
	requests [][]emulator.RecordedRequest
}

func (l *phaseLog) Write(p []byte) (int, error) {
	reqs := l.emu.Requests()
	l.requests = append(l.requests, reqs)
	l.t.Log(strings.TrimRight(string(p), "\n"))
	if sizes := listBatchSizes(reqs); len(sizes) > 0 {
		l.t.Logf("  images per %s call, in order: %v", listOperation, sizes)
	}
	return len(p), nil
}

// phase returns the requests of the i-th command.
func (l *phaseLog) phase(p Phase) []emulator.RecordedRequest {
	if int(p) >= len(l.requests) {
		return nil
	}
	return l.requests[p]
}

// listOperation is the call that reads member server images in batches.
const listOperation = "getMemberServerImageInstanceList"

// listBatchSizes is the number of images each list call asked for; 0 is a
// call for every image.
func listBatchSizes(reqs []emulator.RecordedRequest) []int {
	var sizes []int
	for _, req := range reqs {
		if req.Operation != listOperation {
			continue
		}
		n := 0
		for k := range req.Params {
			if strings.HasPrefix(k, "memberServerImageInstanceNoList.") {
				n++
			}
		}
		sizes = append(sizes, n)
	}
	return sizes
}

// imagesListed is the number of image numbers that the list calls of reqs
// asked for, in all, and the number of list calls that named no image (a
// call for every image).
func imagesListed(reqs []emulator.RecordedRequest) (images, unfiltered int) {
	for _, n := range listBatchSizes(reqs) {
		images += n
		if n == 0 {
			unfiltered++
		}
	}
	return images, unfiltered
}
