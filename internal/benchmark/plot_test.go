package benchmark

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/png"
	"os"
	"testing"
	"time"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
)

// plotReport is two N of every configuration the picture draws, times
// growing with N.
func plotReport() Report {
	phases := func(base, perResource time.Duration, n int) []Measurement {
		var out []Measurement
		for i := range Phases {
			out = append(out, Measurement{Wall: base + time.Duration(n*(i+1))*perResource})
		}
		return out
	}
	var runs []Run
	for _, n := range []int{30, 10} { // out of order: the lines still run left to right
		runs = append(runs, Run{N: n,
			Member:  phases(time.Second, 20*time.Millisecond, n),
			PerCall: phases(time.Second, 60*time.Millisecond, n),
			NoOp:    phases(time.Second, 10*time.Millisecond, n),
			Floor:   phases(500*time.Millisecond, 5*time.Millisecond, n),
		})
	}
	return Report{Settings: testSettings, Runs: runs}
}

func TestWritePlot(t *testing.T) {
	var buf bytes.Buffer
	if err := plotReport().WritePlot(&buf); err != nil {
		t.Fatal(err)
	}
	if out := os.Getenv("BENCHMARK_PLOT_OUT"); out != "" { // to look at it
		if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	img, err := png.Decode(&buf)
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	if got, want := img.Bounds(), image.Rect(0, 0, 1152, 864); got != want {
		t.Errorf("size %v, want %v", got, want)
	}
	// Each series is drawn in its own color: the picture is not blank
	// and holds the member resource's and terraform_data's colors.
	colors := map[color.RGBA]int{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, a := img.At(x, y).RGBA()
			colors[color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(bl >> 8), uint8(a >> 8)}]++
		}
	}
	for i, name := range []string{"ncloudimage", "per-call provider", "no-op provider", "terraform_data"} {
		r, g, bl, a := plotutil.Color(i).RGBA()
		if c := (color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(bl >> 8), uint8(a >> 8)}); colors[c] < 100 {
			t.Errorf("%s's color %v: %d pixels", name, c, colors[c])
		}
	}
}

// A report whose runs all failed still draws its (empty) panels.
func TestWritePlotNothingMeasured(t *testing.T) {
	r := Report{Settings: testSettings, Runs: []Run{{N: 10, Member: []Measurement{{Err: errors.New("boom")}}}}}
	var buf bytes.Buffer
	if err := r.WritePlot(&buf); err != nil {
		t.Fatal(err)
	}
	if _, err := png.Decode(&buf); err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
}

func TestPoints(t *testing.T) {
	runs := plotReport().Runs
	runs = append(runs, Run{N: 20, Member: []Measurement{{Wall: time.Second}, {Wall: time.Second, Err: errors.New("plan failed")}}})
	member := func(run Run) []Measurement { return run.Member }
	got := points(runs, member, Create)
	want := plotter.XYs{{X: 10, Y: 1.2}, {X: 20, Y: 1}, {X: 30, Y: 1.6}}
	if len(got) != len(want) {
		t.Fatalf("points = %v, want %v", got, want)
	}
	for i := range want {
		if got[i].X != want[i].X || !near(got[i].Y, want[i].Y) {
			t.Errorf("points = %v, want %v", got, want)
		}
	}
	// N = 20's plan failed and its update did not run.
	if got := points(runs, member, Plan); len(got) != 2 {
		t.Errorf("plan points = %v, want N = 10 and 30 only", got)
	}
	if got := points(runs, func(run Run) []Measurement { return nil }, Create); len(got) != 0 {
		t.Errorf("points of a configuration never measured = %v", got)
	}
}

func near(a, b float64) bool { return a-b < 1e-9 && b-a < 1e-9 }
