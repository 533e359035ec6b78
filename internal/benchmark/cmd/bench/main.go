// Command bench runs the provider benchmark (package benchmark) against the
// NCP API emulator, in process, and writes the markdown report to -out and
// to standard output, and a picture of the times against N to -plot.
// Missed targets are reported, not enforced: it exits non-zero only when a
// terraform command (or the setup) fails.
//
//	go run ./internal/benchmark/cmd/bench -n 10,100,500 -latency 50ms
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/ncloudimage/terraform-provider-ncloudimage/internal/acctest"
	"github.com/ncloudimage/terraform-provider-ncloudimage/internal/benchmark"
	"github.com/ncloudimage/terraform-provider-ncloudimage/internal/emulator"
)

// The no-op and the per-call providers, built beside the provider.
const (
	noOpPackage    = acctest.ProviderPackage + "/internal/benchmark/cmd/noop-provider"
	perCallPackage = acctest.ProviderPackage + "/internal/benchmark/cmd/percall-provider"
)

// The emulator accepts only these; the provider gets them through the environment.
const (
	accessKey = "bench-access-key"
	secretKey = "bench-secret-key"
)

func main() {
	failed, err := run(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
	if failed {
		fmt.Fprintln(os.Stderr, "bench: a terraform command failed; see the report's Failures section")
		os.Exit(1)
	}
}

func run(args []string) (failed bool, err error) {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	counts := fs.String("n", "10,100,500", "comma-separated numbers of resources, one run each")
	latency := fs.Duration("latency", 50*time.Millisecond, "latency the emulator adds to every API call (a gateway round trip)")
	rateLimit := fs.Float64("rate-limit", 0, "emulator rate limit in calls/s during the runs of -n (0 = none)")
	throttledN := fs.Int("throttled-n", 100, "member server image sharing resources in the throttled apply (0 = skip it)")
	throttledRate := fs.Float64("throttled-rate", 10, "emulator rate limit in calls/s during the throttled apply (0 = skip it)")
	largeN := fs.Int("large-n", 20, "resources of each resource type in the large region (0 = skip it)")
	largeImages := fs.Int("large-region", 5000, "images of the resources' hypervisor the account holds in the large region, theirs included (0 = skip it)")
	out := fs.String("out", "bench-results.md", "file the markdown report is written to")
	plotOut := fs.String("plot", "internal/benchmark/time-vs-n.png", `PNG file the times against N are drawn in, relative to the module's root ("" = none)`)
	parallelism := fs.Int("parallelism", 10, "terraform -parallelism (10 is terraform's default)")
	repeat := fs.Int("repeat", 3, "runs of each N; each time reported is the median")
	keep := fs.Bool("keep", false, "keep the work directory: configurations, state and terraform logs")
	terraform := fs.String("terraform", "", "terraform binary (default: terraform on PATH; never downloaded)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return false, nil
		}
		return false, err
	}
	ns, err := benchmark.ParseCounts(*counts)
	if err != nil {
		return false, fmt.Errorf("-n: %w", err)
	}
	if *parallelism < 1 || *repeat < 1 {
		return false, errors.New("-parallelism and -repeat must be at least 1")
	}
	tf := *terraform
	if tf == "" {
		if tf, err = acctest.FindTerraform(); err != nil {
			return false, fmt.Errorf("%w, or pass -terraform /path/to/terraform", err)
		}
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	tfVersion, err := acctest.TerraformVersion(ctx, tf)
	if err != nil {
		return false, err
	}
	moduleDir, err := moduleRoot(ctx)
	if err != nil {
		return false, err
	}
	if *plotOut != "" && !filepath.IsAbs(*plotOut) {
		*plotOut = filepath.Join(moduleDir, *plotOut)
	}
	work, err := os.MkdirTemp("", "ncloudimage-bench-")
	if err != nil {
		return false, fmt.Errorf("work directory: %w", err)
	}
	if *keep {
		defer fmt.Fprintln(os.Stderr, "bench: work directory kept:", work)
	} else {
		defer os.RemoveAll(work)
	}

	fmt.Fprintln(os.Stderr, "bench: building the provider, the no-op provider and the per-call provider")
	bin, err := acctest.BuildProvider(ctx, filepath.Join(work, "bin"))
	if err != nil {
		return false, err
	}
	noop := filepath.Join(work, "bin", "terraform-provider-noop")
	if err := acctest.Build(ctx, noOpPackage, noop); err != nil {
		return false, err
	}
	perCall := filepath.Join(work, "bin", "terraform-provider-percall")
	if err := acctest.Build(ctx, perCallPackage, perCall); err != nil {
		return false, err
	}

	emu := emulator.New(emulator.Options{AccessKey: accessKey, SecretKey: secretKey})
	if err := emu.Start(); err != nil {
		return false, err
	}
	defer emu.Close()
	runner, err := benchmark.NewRunner(benchmark.Options{
		Terraform: tf, ProviderBin: bin, NoOpBin: noop, PerCallBin: perCall, Emulator: emu, AccessKey: accessKey, SecretKey: secretKey,
		Latency: *latency, RateLimit: *rateLimit, Parallelism: *parallelism, WorkDir: work, Progress: os.Stderr,
	})
	if err != nil {
		return false, err
	}

	report := benchmark.Report{Settings: benchmark.Settings{
		Latency: *latency, RateLimit: *rateLimit, Parallelism: *parallelism, Repeat: *repeat,
	}}
	started, startLoad := time.Now(), loadAverage()
	for _, n := range ns {
		var runs []benchmark.Run
		for range *repeat {
			if ctx.Err() != nil {
				break
			}
			runs = append(runs, runner.Run(ctx, n))
		}
		if len(runs) > 0 {
			report.Runs = append(report.Runs, benchmark.MedianRun(runs))
		}
	}
	if *throttledN > 0 && *throttledRate > 0 && ctx.Err() == nil {
		t := runner.Throttled(ctx, *throttledN, *throttledRate)
		report.Throttled = &t
	}
	if *largeN > 0 && *largeImages > 0 {
		for _, k := range benchmark.SharingKinds {
			if ctx.Err() != nil {
				break
			}
			var runs []benchmark.LargeRegion
			for range *repeat {
				runs = append(runs, runner.LargeRegion(ctx, k, *largeN, *largeImages))
			}
			report.LargeRegions = append(report.LargeRegions, benchmark.MedianLargeRegion(runs))
		}
	}
	report.Settings.Environment = environment(ctx, moduleDir, tfVersion, started, startLoad)

	md := report.Markdown()
	fmt.Print("\n" + md)
	if err := os.WriteFile(*out, []byte(md), 0o644); err != nil {
		return true, fmt.Errorf("write report: %w", err)
	}
	fmt.Fprintln(os.Stderr, "bench: report written to", *out)
	if *plotOut != "" && len(report.Runs) > 0 {
		if err := writePlot(report, *plotOut); err != nil {
			return true, err
		}
		fmt.Fprintln(os.Stderr, "bench: times against N drawn in", *plotOut)
	}
	if ctx.Err() != nil {
		return true, errors.New("interrupted")
	}
	return report.Failed(), nil
}

func writePlot(report benchmark.Report, path string) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("plot: %w", err)
	}
	if err := report.WritePlot(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// moduleRoot is the directory of the go.mod governing the working directory:
// the provider's main package is there.
func moduleRoot(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", errors.New("run bench from within the provider's module")
	}
	return filepath.Dir(gomod), nil
}

// environment is the report's line on what the numbers were measured with,
// and under what load: other work on the machine skews the times.
func environment(ctx context.Context, moduleDir, tfVersion string, started time.Time, startLoad string) string {
	parts := []string{
		"terraform " + tfVersion,
		runtime.Version(),
		runtime.GOOS + "/" + runtime.GOARCH,
		fmt.Sprintf("%d CPUs", runtime.NumCPU()),
	}
	describe := exec.CommandContext(ctx, "git", "describe", "--always", "--dirty")
	describe.Dir = moduleDir
	if out, err := describe.Output(); err == nil {
		parts = append(parts, "commit "+strings.TrimSpace(string(out)))
	}
	parts = append(parts, started.UTC().Format("2006-01-02 15:04 UTC"))
	if startLoad != "" {
		parts = append(parts, fmt.Sprintf("load average %s at start, %s at end", startLoad, loadAverage()))
	}
	return strings.Join(parts, " · ")
}

// loadAverage is the one-minute load average, "" where /proc/loadavg is missing.
func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	if f := strings.Fields(string(data)); len(f) > 0 {
		return f[0]
	}
	return ""
}
