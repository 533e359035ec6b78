package benchmark

import (
	"bufio"
	"bytes"
	"os"
	"strconv"
	"strings"
	"time"
)

// pollInterval is how often /proc is scanned for provider processes. A
// provider that lives less than that may be missed; one that grows in its
// last interval is under-reported by that growth.
const pollInterval = 50 * time.Millisecond

// peakWatcher polls /proc for processes running one executable and keeps the
// largest VmHWM (peak resident set) seen. Terraform starts several provider
// processes per command (validate, plan and apply walks); the peak is over
// all of them.
type peakWatcher struct {
	exe  string
	stop chan struct{}
	done chan struct{}
	peak int64 // KiB; written by the polling goroutine until done is closed
}

func watchPeak(exe string, every time.Duration) *peakWatcher {
	w := &peakWatcher{exe: exe, stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(w.done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			w.peak = max(w.peak, peakOf(w.exe))
			select {
			case <-w.stop:
				return
			case <-t.C:
			}
		}
	}()
	return w
}

// Stop ends the polling and returns the peak in KiB (0 when no process was seen).
func (w *peakWatcher) Stop() int64 {
	close(w.stop)
	<-w.done
	return w.peak
}

// peakOf is the largest VmHWM, in KiB, of the running processes whose
// executable is exe (an absolute path with no symbolic links). It is 0
// where there is no /proc.
func peakOf(exe string) int64 {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0
	}
	var peak int64
	for _, e := range entries {
		if strings.Trim(e.Name(), "0123456789") != "" {
			continue
		}
		dir := "/proc/" + e.Name()
		link, err := os.Readlink(dir + "/exe")
		if err != nil || strings.TrimSuffix(link, " (deleted)") != exe {
			continue // gone, not ours, or not readable
		}
		status, err := os.ReadFile(dir + "/status")
		if err != nil {
			continue // exited meanwhile
		}
		if kib, ok := parseVmHWM(status); ok {
			peak = max(peak, kib)
		}
	}
	return peak
}

// parseVmHWM reads the "VmHWM:   12345 kB" line of /proc/PID/status.
func parseVmHWM(status []byte) (int64, bool) {
	sc := bufio.NewScanner(bytes.NewReader(status))
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:")
		if !ok {
			continue
		}
		fields := strings.Fields(rest)
		if len(fields) != 2 || fields[1] != "kB" {
			return 0, false
		}
		kib, err := strconv.ParseInt(fields[0], 10, 64)
		return kib, err == nil
	}
	return 0, false
}
