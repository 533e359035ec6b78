package benchmark

import (
	"cmp"
	"fmt"
	"io"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// The picture's size: 1152 × 864 pixels, four panels of 576 × 432.
const (
	plotWidth  = 12 * vg.Inch
	plotHeight = 9 * vg.Inch
	plotDPI    = 96
)

// plotSeries are the configurations the picture draws, in its legend's
// order. Each keeps its color and mark whichever others are missing.
var plotSeries = []struct {
	name string
	of   func(Run) []Measurement
}{
	{"ncloudimage (member resource)", func(run Run) []Measurement { return run.Member }},
	{"per-call provider", func(run Run) []Measurement { return run.PerCall }},
	{"no-op provider", func(run Run) []Measurement { return run.NoOp }},
	{"terraform_data", func(run Run) []Measurement { return run.Floor }},
}

// WritePlot draws the time of each phase against N, one panel per phase,
// for the member resource, the per-call provider, the no-op provider and
// terraform_data, and writes it to w as a PNG. Failed phases are left out.
func (r Report) WritePlot(w io.Writer) error {
	img := vgimg.NewWith(vgimg.UseWH(plotWidth, plotHeight), vgimg.UseDPI(plotDPI))
	tiles := draw.Tiles{Rows: 2, Cols: 2, PadX: vg.Millimeter * 4, PadY: vg.Millimeter * 4,
		PadTop: vg.Millimeter * 2, PadBottom: vg.Millimeter * 2, PadLeft: vg.Millimeter * 2, PadRight: vg.Millimeter * 4}
	plots := [][]*plot.Plot{make([]*plot.Plot, 2), make([]*plot.Plot, 2)}
	for i, p := range Phases {
		panel, err := r.panel(p)
		if err != nil {
			return err
		}
		plots[i/2][i%2] = panel
	}
	canvases := plot.Align(plots, tiles, draw.New(img))
	for row := range plots {
		for col, panel := range plots[row] {
			panel.Draw(canvases[row][col])
		}
	}
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(w); err != nil {
		return fmt.Errorf("write plot: %w", err)
	}
	return nil
}

// panel is the plot of phase p.
func (r Report) panel(p Phase) (*plot.Plot, error) {
	panel := plot.New()
	panel.Title.Text = fmt.Sprintf("%s, %s per API call", p, r.Settings.Latency)
	panel.X.Label.Text = "N (resources)"
	panel.Y.Label.Text = "seconds"
	panel.X.Min, panel.Y.Min = 0, 0
	panel.Legend.Top, panel.Legend.Left = true, true // where the lines, rising with N, are not
	panel.Legend.XOffs = 3 * vg.Millimeter
	panel.Add(plotter.NewGrid())
	var ticks []plot.Tick // at each N measured
	for _, run := range r.Runs {
		ticks = append(ticks, plot.Tick{Value: float64(run.N), Label: fmt.Sprint(run.N)})
	}
	panel.X.Tick.Marker = plot.ConstantTicks(ticks)
	var top float64
	for i, s := range plotSeries {
		xys := points(r.Runs, s.of, p)
		if len(xys) == 0 {
			continue
		}
		for _, xy := range xys {
			top = max(top, xy.Y)
		}
		line, marks, err := plotter.NewLinePoints(xys)
		if err != nil {
			return nil, fmt.Errorf("plot %s %s: %w", s.name, p, err)
		}
		line.Color, marks.Color, marks.Shape = plotutil.Color(i), plotutil.Color(i), plotutil.Shape(i)
		line.Width = vg.Points(1.5)
		panel.Add(line, marks)
		panel.Legend.Add(s.name, line, marks)
	}
	// The legend's four entries take the top sixth of the panel: the data
	// stay below it.
	panel.Y.Max = 1.25 * top
	return panel, nil
}

// points are (N, seconds) of phase p of one configuration in each run that
// succeeded, by N.
func points(runs []Run, of func(Run) []Measurement, p Phase) plotter.XYs {
	var xys plotter.XYs
	for _, run := range runs {
		if m, ok := succeeded(of(run), p); ok {
			xys = append(xys, plotter.XY{X: float64(run.N), Y: m.Wall.Seconds()})
		}
	}
	slices.SortFunc(xys, func(a, b plotter.XY) int { return cmp.Compare(a.X, b.X) })
	return xys
}
