package benchmark

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestParseVmHWM(t *testing.T) {
	status := "Name:\tterraform-provi\nVmPeak:\t 1282444 kB\nVmHWM:\t   30212 kB\nVmRSS:\t   29000 kB\n"
	if got, ok := parseVmHWM([]byte(status)); !ok || got != 30212 {
		t.Errorf("parseVmHWM = %d, %v; want 30212, true", got, ok)
	}
	for _, bad := range []string{"", "Name:\tx\n", "VmHWM:\t 12 MB\n", "VmHWM:\tlots kB\n"} {
		if got, ok := parseVmHWM([]byte(bad)); ok {
			t.Errorf("parseVmHWM(%q) = %d, true; want false", bad, got)
		}
	}
}

// The watcher finds this test binary's own process by its executable.
func TestWatchPeakFindsProcess(t *testing.T) {
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("no /proc")
	}
	exe, err := os.Executable()
	if err == nil {
		exe, err = filepath.EvalSymlinks(exe)
	}
	if err != nil {
		t.Fatal(err)
	}
	w := watchPeak(exe, 5*time.Millisecond)
	time.Sleep(20 * time.Millisecond)
	if got := w.Stop(); got <= 0 {
		t.Errorf("peak of the test process = %d KiB, want > 0", got)
	}
	if got := peakOf(filepath.Join(t.TempDir(), "no-such-binary")); got != 0 {
		t.Errorf("peak of a binary that never ran = %d KiB, want 0", got)
	}
}
