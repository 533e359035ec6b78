package benchmark

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/ncloudimage/terraform-provider-ncloudimage/internal/acctest"
	"github.com/ncloudimage/terraform-provider-ncloudimage/internal/emulator"
)

// Options configures a Runner.
type Options struct {
	Terraform   string           // path of the terraform binary
	ProviderBin string           // the provider binary built for this run; its directory is the dev_overrides target
	NoOpBin     string           // cmd/noop-provider built as terraform-provider-noop beside ProviderBin; "" skips its runs
	PerCallBin  string           // cmd/percall-provider built as terraform-provider-percall beside ProviderBin; "" skips its runs
	Emulator    *emulator.Server // started; the Runner owns its images, latency, rate limit and counters
	AccessKey   string           // the emulator's credentials
	SecretKey   string
	Latency     time.Duration // added to every API call
	RateLimit   float64       // calls per second outside the throttled scenario; 0 = none
	Parallelism int           // terraform -parallelism
	WorkDir     string        // holds the CLI configuration and one directory per configuration
	Progress    io.Writer     // one line per terraform command
}

// Runner runs the benchmark's terraform commands against the emulator.
type Runner struct {
	opts        Options
	providerBin string // absolute, symbolic links resolved: compared with /proc/PID/exe
	perCallBin  string // likewise; "" when not run
	env         []string
	// seeded is, by hypervisor, how many of the benchmark's images the
	// Runner has put: they stay, so a large region counts them.
	seeded map[string]int
}

// NewRunner writes the CLI configuration and sets the emulator's latency and
// rate limit.
func NewRunner(o Options) (*Runner, error) {
	bin, err := resolve(o.ProviderBin)
	if err != nil {
		return nil, fmt.Errorf("provider binary: %w", err)
	}
	var perCallBin string
	for _, other := range []struct{ bin, name, what string }{
		{o.NoOpBin, "terraform-provider-noop", "no-op provider"},
		{o.PerCallBin, "terraform-provider-percall", "per-call provider"},
	} {
		if other.bin != "" && filepath.Join(filepath.Dir(o.ProviderBin), other.name) != filepath.Clean(other.bin) {
			return nil, fmt.Errorf("%s binary %s: must be %s beside %s", other.what, other.bin, other.name, o.ProviderBin)
		}
	}
	if o.PerCallBin != "" {
		if perCallBin, err = resolve(o.PerCallBin); err != nil {
			return nil, fmt.Errorf("per-call provider binary: %w", err)
		}
	}
	// The three providers load from the binaries' directory.
	rc := filepath.Join(o.WorkDir, "terraformrc")
	if err := acctest.WriteCLIConfig(rc, filepath.Dir(bin), noOpSource, perCallSource); err != nil {
		return nil, err
	}
	o.Emulator.SetLatency(o.Latency)
	o.Emulator.SetRateLimit(o.RateLimit)
	env := acctest.Env(rc,
		"NCLOUD_API_GW="+o.Emulator.URL(),
		"NCLOUD_ACCESS_KEY="+o.AccessKey,
		"NCLOUD_SECRET_KEY="+o.SecretKey,
	)
	return &Runner{opts: o, providerBin: bin, perCallBin: perCallBin, env: env, seeded: map[string]int{}}, nil
}

// resolve makes a binary's path absolute, without symbolic links, as
// /proc/PID/exe shows it.
func resolve(bin string) (string, error) {
	abs, err := filepath.Abs(bin)
	if err != nil {
		return "", err
	}
	return filepath.EvalSymlinks(abs)
}

// Run runs every phase for n resources of each of the provider's resource
// types (SharingKinds), then for n terraform_data resources, n no-op
// provider resources and n per-call provider resources, on the member
// resources' images put again. A failed phase ends its configuration's run.
func (r *Runner) Run(ctx context.Context, n int) Run {
	run := Run{N: n}
	for _, k := range SharingKinds {
		r.seed(k, n)
		run.setSharing(k, r.phases(ctx, k, n, ""))
	}
	run.Floor = r.phases(ctx, Floor, n, "")
	if r.opts.NoOpBin != "" {
		run.NoOp = r.phases(ctx, NoOp, n, "")
	}
	if r.opts.PerCallBin != "" {
		r.seed(PerCall, n)
		run.PerCall = r.phases(ctx, PerCall, n, "")
	}
	return run
}

// RunSharing runs every phase for n resources of kind k (MemberSharing or
// ServerSharing) only, without the floors, which make no API calls: for
// tests that judge the call counts and not the times. Only the kind's
// measurements are set in the result.
func (r *Runner) RunSharing(ctx context.Context, k Kind, n int) Run {
	r.seed(k, n)
	run := Run{N: n}
	run.setSharing(k, r.phases(ctx, k, n, ""))
	return run
}

// LargeRegion runs every phase for n resources of kind k (MemberSharing or
// ServerSharing) in a region where the account holds images images of the
// kind's hypervisor: the n the resources share, those earlier runs put, and
// as many others as make up the rest, numbered from FirstOtherImageNo and
// shared with nobody. The others are deleted afterwards, so that no later
// run's region holds them.
func (r *Runner) LargeRegion(ctx context.Context, k Kind, n, images int) LargeRegion {
	r.seed(k, n)
	hv := hypervisor(k)
	others := max(0, images-r.seeded[hv])
	for i := range others {
		no := strconv.Itoa(FirstOtherImageNo + i)
		r.opts.Emulator.PutImage(emulator.Image{No: no, Name: "bench-other-" + no, Hypervisor: hv})
	}
	defer func() {
		for i := range others {
			r.opts.Emulator.DeleteImage(strconv.Itoa(FirstOtherImageNo + i))
		}
	}()
	l := LargeRegion{Kind: k, N: n, Images: r.seeded[hv] + others}
	for h, c := range r.seeded {
		if h != hv {
			l.OtherHypervisor += c
		}
	}
	l.Phases = r.phases(ctx, k, n, "large-region")
	return l
}

// Throttled applies n member server image sharing resources (create only)
// while the emulator allows rate calls per second.
func (r *Runner) Throttled(ctx context.Context, n int, rate float64) Throttled {
	r.seed(MemberSharing, n)
	r.opts.Emulator.SetRateLimit(rate)
	defer r.opts.Emulator.SetRateLimit(r.opts.RateLimit)
	dir, err := r.configure(fmt.Sprintf("throttled-%s-%d", MemberSharing.slug(), n), Config(MemberSharing, n, false))
	t := Throttled{N: n, Rate: rate}
	if err != nil {
		t.Create = Measurement{Err: err}
		return t
	}
	t.Create = r.measure(ctx, dir, MemberSharing, Create, fmt.Sprintf("throttled N=%d %s %s", n, MemberSharing, Create))
	return t
}

// seed puts the images that n resources of kind k share, CREAT and shared
// with nobody: XEN images from FirstImageNo for MemberSharing and
// PerCall, KVM images of the account (type SELF) from FirstServerImageNo
// for ServerSharing. Putting an image again resets it.
func (r *Runner) seed(k Kind, n int) {
	hv := hypervisor(k)
	for i := range n {
		no := ImageNo(k, i)
		r.opts.Emulator.PutImage(emulator.Image{No: no, Name: "bench-image-" + no, Hypervisor: hv})
	}
	r.seeded[hv] = max(r.seeded[hv], n)
}

// hypervisor is that of the images resources of kind k share.
func hypervisor(k Kind) string {
	if k == ServerSharing {
		return "KVM"
	}
	return "XEN"
}

// phases runs the phases of n resources of kind k in a fresh directory;
// scenario, when not "", names the directory and the progress lines apart
// from those of Run.
func (r *Runner) phases(ctx context.Context, k Kind, n int, scenario string) []Measurement {
	name, label := fmt.Sprintf("%s-%d", k.slug(), n), fmt.Sprintf("N=%d %s", n, k)
	if scenario != "" {
		name, label = scenario+"-"+name, scenario+" "+label
	}
	dir, err := r.configure(name, Config(k, n, false))
	if err != nil {
		return []Measurement{{Err: err}}
	}
	var ms []Measurement
	for _, p := range Phases {
		if p == Update {
			if err := os.WriteFile(filepath.Join(dir, "main.tf"), Config(k, n, true), 0o600); err != nil {
				return append(ms, Measurement{Err: fmt.Errorf("write updated main.tf: %w", err)})
			}
		}
		m := r.measure(ctx, dir, k, p, label+" "+p.String())
		if ms = append(ms, m); m.Err != nil {
			break
		}
	}
	return ms
}

// configure creates a fresh work directory holding main.tf.
func (r *Runner) configure(name string, mainTF []byte) (string, error) {
	dir := filepath.Join(r.opts.WorkDir, name)
	if err := os.RemoveAll(dir); err != nil {
		return "", fmt.Errorf("clean %s: %w", dir, err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("create work directory: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), mainTF, 0o600); err != nil {
		return "", fmt.Errorf("write main.tf: %w", err)
	}
	return dir, nil
}

// measure runs a phase's terraform command in dir and collects its wall
// time, the emulator's counters and the peak memory of the provider of
// kind k (ncloudimage's, or the per-call provider's; none for the floors).
func (r *Runner) measure(ctx context.Context, dir string, k Kind, p Phase, label string) Measurement {
	r.opts.Emulator.ResetCalls()
	exe := r.providerBin
	if k == PerCall {
		exe = r.perCallBin
	}
	watch := watchPeak(exe, pollInterval)
	start := time.Now()
	err := r.terraform(ctx, dir, filepath.Join(dir, p.slug()+".log"), p.args()...)
	m := Measurement{Wall: time.Since(start), PeakKiB: watch.Stop()}
	if err != nil {
		m.Err = fmt.Errorf("%s: %w", label, err)
	}
	m.Calls, m.Total, m.TooMany = r.callStats()
	fmt.Fprintf(r.opts.Progress, "%-52s %8.2f s %6d calls %5d 429s  provider peak %s\n",
		label, m.Wall.Seconds(), m.Total, m.TooMany, mib(m.PeakKiB))
	return m
}

func (r *Runner) callStats() (calls map[string]int, total, tooMany int) {
	emu := r.opts.Emulator
	calls = map[string]int{}
	for _, req := range emu.Requests() {
		if req.Status == http.StatusTooManyRequests {
			tooMany++
		}
		if _, seen := calls[req.Operation]; !seen {
			calls[req.Operation] = emu.Calls(req.Operation)
		}
	}
	for op, c := range calls {
		if c == 0 { // received but not authenticated: not an API call
			delete(calls, op)
		}
	}
	return calls, emu.TotalCalls(), tooMany
}

// terraform runs one command in dir, its output going to logPath; a
// failure carries the log's last lines.
func (r *Runner) terraform(ctx context.Context, dir, logPath string, args ...string) error {
	log, err := os.Create(logPath)
	if err != nil {
		return fmt.Errorf("create log: %w", err)
	}
	defer log.Close()
	tf := acctest.Terraform{Path: r.opts.Terraform, Dir: dir, Env: r.env}
	full := append([]string{args[0], "-input=false", "-parallelism=" + strconv.Itoa(r.opts.Parallelism)}, args[1:]...)
	err = tf.Run(ctx, log, full...)
	var exit *exec.ExitError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &exit) && args[0] == "plan" && exit.ExitCode() == 2:
		err = errors.New("the plan after apply has changes (terraform plan -detailed-exitcode exited 2)")
	}
	return fmt.Errorf("%w\n%s", err, tail(logPath, 20))
}

// tail is the last n lines of a file, for error messages.
func tail(path string, n int) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return "(no log: " + err.Error() + ")"
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
