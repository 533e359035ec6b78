package provider

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/ncloudimage/terraform-provider-ncloudimage/internal/acctest"
	"github.com/ncloudimage/terraform-provider-ncloudimage/internal/benchmark"
	"github.com/ncloudimage/terraform-provider-ncloudimage/internal/emulator"
)

// The conditions of TestCallCountTargets. The numbers of calls do not depend
// on the latency; a short one keeps the test quick.
const (
	targetsN           = 50
	targetsLatency     = 20 * time.Millisecond
	targetsParallelism = 10 // terraform's default
	throttledTargetN   = 100
	// readAheadN resources read ahead: past readAheadAfter (imageread's
	// threshold) images, each provider process lists the region, here one
	// page, and answers its other reads from the listing.
	readAheadN     = 200
	readAheadAfter = 21
	throttledRate  = 10.0 // calls per second

	targetsAccessKey = "targets-access-key"
	targetsSecretKey = "targets-secret-key"
)

// TestCallCountTargets runs the real terraform CLI against the emulator
// through the benchmark's Runner (internal/benchmark) and asserts the
// call-count targets of the benchmark issues, for the member server image
// resource and for the server image resource. Calls are deterministic and
// asserted; times are not, and are only logged. It runs against its own
// emulator, also in live mode.
//
// It must not call t.Parallel: the reads that Terraform makes at the same
// time are batched, and the counts are measured on a quiet machine. The
// package's parallel tests wait until it is done, and make test runs
// packages one at a time (-p 1).
func TestCallCountTargets(t *testing.T) {
	if os.Getenv(resource.EnvTfAcc) == "" {
		t.Skipf("acceptance test: runs terraform against the emulator; set %s=1 (make test does)", resource.EnvTfAcc)
	}
	tf, err := acctest.FindTerraform()
	if err != nil {
		t.Skip(err)
	}
	version, err := acctest.TerraformVersion(t.Context(), tf)
	if err != nil {
		t.Fatalf("%s: %v", tf, err)
	}
	t.Logf("terraform %s (%s)", version, tf)
	bin, err := acctest.BuildProvider(t.Context(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}

	// The member server image resource (XEN).
	t.Run("create_plan_update", func(t *testing.T) {
		runner, progress := newTargetsRunner(t, tf, bin)
		run := runner.RunSharing(t.Context(), benchmark.MemberSharing, targetsN)
		n, ms := run.N, run.Member
		logPhases(t, ms)
		readLimit := n/5 + 2

		if m, ok := phaseForTargets(t, ms, n, benchmark.Create); ok {
			if m.Total > 2*n {
				t.Errorf("create of %d resources: %d calls, want at most 2N = %d; by operation: %s",
					n, m.Total, 2*n, m.Summary())
			}
			if w := m.Writes(); w != n {
				t.Errorf("create of %d resources: %d writes, want one per resource = %d; by operation: %s",
					n, w, n, m.Summary())
			}
		}

		if m, ok := phaseForTargets(t, ms, n, benchmark.Plan); ok {
			if m.Total > readLimit {
				t.Errorf("no-change plan of %d resources at -parallelism=%d: %d calls, want at most N/5 + 2 = %d; by operation: %s",
					n, targetsParallelism, m.Total, readLimit, m.Summary())
			}
			if w := m.Writes(); w != 0 {
				t.Errorf("no-change plan of %d resources: %d writes, want none; by operation: %s", n, w, m.Summary())
			}
		}

		if m, ok := phaseForTargets(t, ms, n, benchmark.Update); ok {
			changed := benchmark.ChangedCount(n)
			if w := m.Writes(); w != changed {
				t.Errorf("update of %d of %d resources: %d writes, want one per changed resource = %d; by operation: %s",
					changed, n, w, changed, m.Summary())
			}
			// The image number did not change: the only reads are the
			// refresh's list calls, which read each image once, by number
			// or in the one page of the region's listing that the refresh
			// reads ahead; no image is looked up in the plan. The number of
			// list calls depends on how the reads fall into batches; the
			// images they name do not.
			if images, unfiltered := imagesListed(progress.phase(benchmark.Update), listOperation); images > n || unfiltered > 1 {
				t.Errorf("update of %d of %d resources: the list calls named %d images and %d listed every image, "+
					"want at most %d, each image once, and one listing, by the refresh (more: the plan looked images up); by operation: %s",
					changed, n, images, unfiltered, n, m.Summary())
			}
			reads := m.Total - m.Writes()
			if reads > readLimit {
				t.Errorf("update of %d of %d resources: %d reads, want at most N/5 + 2 = %d (the refresh's list calls only); by operation: %s",
					changed, n, reads, readLimit, m.Summary())
			}
			if other := nonListReads(m); len(other) > 0 {
				t.Errorf("update of %d of %d resources: reads other than list calls (%s), want none: "+
					"the image number did not change, so the plan must not look the image up; by operation: %s",
					changed, n, strings.Join(other, ", "), m.Summary())
			}
		}

		// Not a target, but a destroy that fails is a failure of the provider.
		phaseForTargets(t, ms, n, benchmark.Destroy)
	})

	// The server image resource (KVM): a create reads the image (batched:
	// its share of the list calls) and adds the logins; an update removes
	// the logins to drop and adds the logins to add, one call per side
	// that changed, between a read before and a read after.
	t.Run("server_create_plan_update", func(t *testing.T) {
		runner, progress := newTargetsRunner(t, tf, bin)
		run := runner.RunSharing(t.Context(), benchmark.ServerSharing, targetsN)
		n, ms := run.N, run.Server
		logPhases(t, ms)
		readLimit := n/5 + 2

		if m, ok := phaseForTargets(t, ms, n, benchmark.Create); ok {
			if m.Total > 2*n {
				t.Errorf("create of %d server image shares: %d calls, want at most 2N = %d; by operation: %s",
					n, m.Total, 2*n, m.Summary())
			}
			adds, removes := m.Calls[benchmark.AddServerOperation], m.Calls[benchmark.RemoveServerOperation]
			if adds != n || removes != 0 || m.Writes() != n {
				t.Errorf("create of %d fresh server image shares: %d adds, %d removes, %d writes in all; "+
					"want one add per resource = %d and nothing else written; by operation: %s",
					n, adds, removes, m.Writes(), n, m.Summary())
			}
		}

		if m, ok := phaseForTargets(t, ms, n, benchmark.Plan); ok {
			if m.Total > readLimit {
				t.Errorf("no-change plan of %d server image shares at -parallelism=%d: %d calls, want at most N/5 + 2 = %d; by operation: %s",
					n, targetsParallelism, m.Total, readLimit, m.Summary())
			}
			if w := m.Writes(); w != 0 {
				t.Errorf("no-change plan of %d server image shares: %d writes, want none; by operation: %s", n, w, m.Summary())
			}
		}

		if m, ok := phaseForTargets(t, ms, n, benchmark.Update); ok {
			// Each changed resource drops one login and adds one: one remove
			// and one add each.
			changed := benchmark.ChangedCount(n)
			adds, removes := m.Calls[benchmark.AddServerOperation], m.Calls[benchmark.RemoveServerOperation]
			if removes != changed || adds != changed || m.Writes() != removes+adds {
				t.Errorf("update of %d of %d server image shares, each swapping one login: %d removes, %d adds, %d writes in all; "+
					"want one write per side that changed: %d removes and %d adds; by operation: %s",
					changed, n, removes, adds, m.Writes(), changed, changed, m.Summary())
			}
			// The image number did not change: the plan looks no image up.
			// The list calls read each image once for the refresh (by
			// number or in the one listing page it reads ahead), and each
			// changed image before and after its write.
			want := n + 2*changed
			if images, unfiltered := imagesListed(progress.phase(benchmark.Update), serverListOperation); images > want || unfiltered > 1 {
				t.Errorf("update of %d of %d server image shares: the list calls named %d images and %d listed every image, "+
					"want at most %d (each image once for the refresh, each changed image before and after its write) and one listing; by operation: %s",
					changed, n, images, unfiltered, want, m.Summary())
			}
			if other := nonListReads(m); len(other) > 0 {
				t.Errorf("update of %d of %d server image shares: reads other than list calls (%s), want none: "+
					"the image number did not change, so the plan must not look the image up; by operation: %s",
					changed, n, strings.Join(other, ", "), m.Summary())
			}
		}

		// A destroy is an update to no logins: one remove per resource, and
		// no add, as there is no call for an empty side.
		if m, ok := phaseForTargets(t, ms, n, benchmark.Destroy); ok {
			adds, removes := m.Calls[benchmark.AddServerOperation], m.Calls[benchmark.RemoveServerOperation]
			if removes != n || adds != 0 || m.Writes() != n {
				t.Errorf("destroy of %d server image shares: %d removes, %d adds, %d writes in all; "+
					"want one remove per resource = %d and nothing else written; by operation: %s",
					n, removes, adds, m.Writes(), n, m.Summary())
			}
		}
	})

	// Read-ahead: past readAheadAfter images of a region, a run lists the
	// region (here one page) and answers the rest from it, so the images a
	// phase looks up no longer grow with N. Asserted in images and listings,
	// not calls: how lookups split into calls depends on the machine's speed
	// (a slow one sends Terraform's reads in smaller groups), but each
	// provider process looks up at most readAheadAfter images, and the
	// parallelism's worth in flight when it gets there, before it lists.
	// The server image resource also looks up each image it writes, before
	// and after the write.
	t.Run("read_ahead", func(t *testing.T) {
		for _, k := range []benchmark.Kind{benchmark.MemberSharing, benchmark.ServerSharing} {
			runner, phases := newTargetsRunner(t, tf, bin)
			run := runner.RunSharing(t.Context(), k, readAheadN)
			ms := run.Sharing(k)
			logPhases(t, ms)
			op := listOperation
			if k == benchmark.ServerSharing {
				op = serverListOperation
			}
			for _, p := range benchmark.Phases {
				m, ok := phaseForTargets(t, ms, readAheadN, p)
				if !ok {
					continue
				}
				processes := 2 // terraform plan, then terraform apply's own plan and apply
				if p == benchmark.Plan {
					processes = 1
				}
				written := 0
				if k == benchmark.ServerSharing {
					written = 2 * m.Writes()
				}
				looked, listings := imagesListed(phases.phase(p), op)
				if limit := processes*(readAheadAfter+targetsParallelism) + written; looked > limit || listings > processes {
					t.Errorf("%s %s of %d resources: %d images looked up and %d listings, want at most %d and %d; by operation: %s",
						k, p, readAheadN, looked, listings, limit, processes, m.Summary())
				}
			}
		}
	})

	t.Run("throttled", func(t *testing.T) {
		runner, _ := newTargetsRunner(t, tf, bin)
		th := runner.Throttled(t.Context(), throttledTargetN, throttledRate)
		m := th.Create
		t.Logf("apply of %d resources at %g calls/s: %s", th.N, th.Rate, m.Summary())
		if m.Err != nil {
			t.Errorf("apply of %d resources at %g calls/s failed, want it to complete (%s):\n%v",
				th.N, th.Rate, m.Summary(), m.Err)
		}
		if m.Total == 0 {
			t.Fatalf("apply of %d resources at %g calls/s: the emulator counted no calls", th.N, th.Rate)
		}
		if share := float64(m.TooMany) / float64(m.Total); share >= benchmark.Target429Share {
			t.Errorf("apply of %d resources at %g calls/s: %d of %d calls answered 429 = %.1f%%, want under %g%%; by operation: %s",
				th.N, th.Rate, m.TooMany, m.Total, 100*share, 100*benchmark.Target429Share, m.Summary())
		}
	})
}

// serverListOperation is the server image API's list call, which reads the
// server image resources' images in batches.
const serverListOperation = "getServerImageList"

// listNoParams are the list calls' parameters that name an image, by
// operation, without their index.
var listNoParams = map[string]string{
	listOperation:       "memberServerImageInstanceNoList.",
	serverListOperation: "serverImageNoList.",
}

// logPhases logs the calls of each phase that ran.
func logPhases(t *testing.T, ms []benchmark.Measurement) {
	t.Helper()
	for _, p := range benchmark.Phases {
		if m, ran := benchmark.PhaseAt(ms, p); ran {
			t.Logf("%-15s %s", p.String()+":", m.Summary())
		}
	}
}

// phaseForTargets returns the measurement of phase p of n resources,
// reporting an error when the phase failed or did not run because an
// earlier one failed.
func phaseForTargets(t *testing.T, ms []benchmark.Measurement, n int, p benchmark.Phase) (benchmark.Measurement, bool) {
	t.Helper()
	m, ran := benchmark.PhaseAt(ms, p)
	switch {
	case !ran:
		t.Errorf("%s of %d resources: not run, an earlier phase failed", p, n)
		return m, false
	case m.Err != nil:
		t.Errorf("%s of %d resources failed (%s):\n%v", p, n, m.Summary(), m.Err)
		return m, false
	}
	return m, true
}

// nonListReads lists the operations of m, with their counts, that neither
// change sharing nor are list calls.
func nonListReads(m benchmark.Measurement) []string {
	var ops []string
	for op, c := range m.Calls {
		if benchmark.IsWrite(op) || strings.HasSuffix(op, "List") {
			continue
		}
		ops = append(ops, fmt.Sprintf("%s %d", op, c))
	}
	return ops
}

// newTargetsRunner starts an emulator for the test and a Runner on it, and
// returns the Runner's progress log, which keeps each phase's requests.
func newTargetsRunner(t *testing.T, tf, bin string) (*benchmark.Runner, *phaseLog) {
	t.Helper()
	emu := emulator.New(emulator.Options{AccessKey: targetsAccessKey, SecretKey: targetsSecretKey})
	if err := emu.Start(); err != nil {
		t.Fatalf("start the emulator: %v", err)
	}
	t.Cleanup(emu.Close)
	progress := &phaseLog{t: t, emu: emu}
	r, err := benchmark.NewRunner(benchmark.Options{
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
	for _, op := range []string{listOperation, serverListOperation} {
		if sizes := listBatchSizes(reqs, op); len(sizes) > 0 {
			l.t.Logf("  images per %s call, in order: %v", op, sizes)
		}
	}
	return len(p), nil
}

// phase returns the requests of the i-th command.
func (l *phaseLog) phase(p benchmark.Phase) []emulator.RecordedRequest {
	if int(p) >= len(l.requests) {
		return nil
	}
	return l.requests[p]
}

// listBatchSizes is the number of images each call of the list operation op
// asked for; 0 is a call for every image.
func listBatchSizes(reqs []emulator.RecordedRequest, op string) []int {
	var sizes []int
	for _, req := range reqs {
		if req.Operation != op {
			continue
		}
		n := 0
		for k := range req.Params {
			if strings.HasPrefix(k, listNoParams[op]) {
				n++
			}
		}
		sizes = append(sizes, n)
	}
	return sizes
}

// imagesListed is the number of image numbers that the calls of the list
// operation op in reqs asked for, in all, and the number of those calls that
// named no image (a call for every image).
func imagesListed(reqs []emulator.RecordedRequest, op string) (images, unfiltered int) {
	for _, n := range listBatchSizes(reqs, op) {
		images += n
		if n == 0 {
			unfiltered++
		}
	}
	return images, unfiltered
}
