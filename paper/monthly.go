package paper

import (
	"math"
	"strconv"
	"time"

	"github.com/pingan-gov/pingan"
)

// MonthlyDoc is a report of numbers printed on A4 pages (the monthly 平安
// 报表): a title, then sections of paragraphs, tables and charts, the unit
// and month in the header of every page, the page and the count of pages
// in the footer. The caller chooses every word, in Lang; the package draws.
type MonthlyDoc struct {
	Lang     pingan.Lang
	Title    string // on the first page, large
	Subtitle string // under it
	Header   string // at the top of every page: the unit and the month
	Footer   string // at the left of every page's foot
	At       time.Time
	Blocks   []Block
}

// Block is one piece of a MonthlyDoc, drawn in this order: a section's
// heading, paragraphs, a chart, a table, a note in small grey type.
type Block struct {
	Heading string
	Paras   []string
	Chart   *Chart
	Table   *Table
	Note    string
}

// Table is a table whose rows go on over the next page with the header
// drawn again; a cell too long for its column wraps.
type Table struct {
	Header []string
	Rows   [][]string
	// Widths are the columns' shares of the page's width (equal when
	// none); Align their alignment, L, C or R (L when none).
	Widths []float64
	Align  []string
}

// Chart is a chart of values by label (the months of a trend): the first
// series as bars, the others as lines with points, over a value axis
// from 0 with grid lines and the labels along the bottom.
type Chart struct {
	Title  string
	Labels []string
	Series []Series
}

// Series is one series of a chart.
type Series struct {
	Name   string
	Values []float64
}

// seriesColors are the colours of a chart's series.
var seriesColors = [][3]int{{70, 120, 190}, {200, 70, 50}, {60, 150, 90}, {150, 110, 40}}

// Geometry of a MonthlyDoc, in millimetres.
const (
	mHeaderY = 10.0 // the page header's line of text
	mTop     = 22.0 // where the body begins
	mCellH   = 5.2  // a line of a table's cell
	mTable   = 9.0  // the type of a table, in points
	mChartH  = 72.0 // a chart's height, its labels included
)

// Monthly prints m. A fault of the PDF library (a font it cannot read) is
// an error, not a crash.
func (p *Printer) Monthly(m *MonthlyDoc) ([]byte, error) {
	if m == nil {
		return nil, pingan.E(pingan.EINTERNAL, "print.nocase")
	}
	lang := m.Lang
	if lang == "" {
		lang = pingan.ZH
	}
	return p.output(&Sheet{Lang: lang}, mTop, m.At, m.Title, func(d *doc) { d.monthly(m) })
}

// monthly draws m's pages: the title, then each block.
func (d *doc) monthly(m *MonthlyDoc) {
	pdf := d.pdf
	pdf.SetHeaderFunc(func() { d.monthlyHeader(m.Header) })
	pdf.SetFooterFunc(func() { d.footerWith(m.Footer) })
	pdf.AddPage()
	pdf.SetY(mTop)

	d.font(20)
	pdf.SetTextColor(190, 20, 20)
	for _, l := range d.wrap(m.Title, contentW) {
		pdf.SetX(margin)
		d.text(contentW, 10, l, "C")
		pdf.SetXY(margin, pdf.GetY()+10)
	}
	pdf.SetTextColor(0, 0, 0)
	if m.Subtitle != "" {
		d.font(10.5)
		pdf.SetX(margin)
		d.text(contentW, 6, m.Subtitle, "C")
		pdf.SetY(pdf.GetY() + 6)
	}
	y := pdf.GetY() + 2
	d.redRule(y)
	pdf.SetY(y + 3)

	for _, b := range m.Blocks {
		if b.Heading != "" {
			d.mHeading(b.Heading)
		}
		for _, s := range b.Paras {
			d.paragraph(s)
		}
		if b.Chart != nil {
			d.chart(b.Chart)
		}
		if b.Table != nil {
			d.table(b.Table)
		}
		if b.Note != "" {
			d.mNote(b.Note)
		}
	}
}

// monthlyHeader draws s at the top of the page over a thin rule, small and
// grey, and puts the place where the body begins.
func (d *doc) monthlyHeader(s string) {
	p := d.pdf
	d.font(8.5)
	p.SetTextColor(110, 110, 110)
	p.SetXY(margin, mHeaderY)
	d.text(contentW, 5, s, "R")
	p.SetDrawColor(160, 160, 160)
	p.Line(margin, mHeaderY+6, pageW-margin, mHeaderY+6)
	p.SetDrawColor(0, 0, 0)
	p.SetTextColor(0, 0, 0)
	p.SetXY(margin, mTop)
}

// newPage starts the next page below its header.
func (d *doc) newPage() {
	d.pdf.AddPage()
	d.pdf.SetXY(margin, mTop)
}

// room starts a new page unless h millimetres fit below the cursor.
func (d *doc) room(h float64) {
	if d.pdf.GetY()+h > bottom {
		d.newPage()
	}
}

// mHeading draws a section's heading with a red bar before it; it keeps
// with at least a few lines of what follows.
func (d *doc) mHeading(s string) {
	p := d.pdf
	d.room(8 + 4*lineH)
	y := p.GetY() + 3
	p.SetFillColor(190, 20, 20)
	p.Rect(margin, y+1.2, 1.4, 5, "F")
	d.font(13.5)
	p.SetXY(margin+3.5, y)
	d.text(contentW-3.5, 7.5, s, "L")
	p.SetXY(margin, y+9)
}

// paragraph draws s wrapped to the page, its first line indented two
// characters.
func (d *doc) paragraph(s string) {
	p := d.pdf
	d.font(bodySize)
	indent := d.width("国国")
	lines := d.wrap(s, contentW-indent)
	for i, l := range lines {
		d.room(lineH)
		x := margin
		if i == 0 {
			x += indent
		}
		p.SetXY(x, p.GetY())
		d.text(contentW, lineH, l, "L")
		p.SetXY(margin, p.GetY()+lineH)
	}
	p.SetY(p.GetY() + 1.5)
}

// mNote draws s small and grey.
func (d *doc) mNote(s string) {
	p := d.pdf
	d.font(8.5)
	p.SetTextColor(110, 110, 110)
	for _, l := range d.wrap(s, contentW) {
		d.room(4.5)
		p.SetX(margin)
		d.text(contentW, 4.5, l, "L")
		p.SetXY(margin, p.GetY()+4.5)
	}
	p.SetTextColor(0, 0, 0)
	p.SetY(p.GetY() + 2)
}

// table draws t; a row that does not fit goes to the next page, under the
// header drawn again.
func (d *doc) table(t *Table) {
	p := d.pdf
	cols := len(t.Header)
	for _, r := range t.Rows {
		cols = max(cols, len(r))
	}
	if cols == 0 {
		return
	}
	widths := make([]float64, cols)
	total := 0.0
	for i := range widths {
		widths[i] = 1
		if i < len(t.Widths) && t.Widths[i] > 0 {
			widths[i] = t.Widths[i]
		}
		total += widths[i]
	}
	for i := range widths {
		widths[i] *= contentW / total
	}
	align := func(i int) string {
		if i < len(t.Align) && t.Align[i] != "" {
			return t.Align[i]
		}
		return "L"
	}
	d.font(mTable)
	// cells answers a row's cells wrapped to their columns, and its height.
	cells := func(row []string) ([][]string, float64) {
		out := make([][]string, cols)
		n := 1
		for i := range cols {
			s := ""
			if i < len(row) {
				s = row[i]
			}
			out[i] = d.wrap(s, widths[i]-2*pad)
			n = max(n, len(out[i]))
		}
		return out, float64(n)*mCellH + 2
	}
	draw := func(row []string, head bool) {
		cs, h := cells(row)
		y := p.GetY()
		x := margin
		for i := range cols {
			if head {
				p.SetFillColor(231, 236, 242)
				p.Rect(x, y, widths[i], h, "FD")
			} else {
				p.Rect(x, y, widths[i], h, "D")
			}
			for j, l := range cs[i] {
				p.SetXY(x+pad, y+1+float64(j)*mCellH)
				a := align(i)
				if head {
					a = "C"
				}
				d.text(widths[i]-2*pad, mCellH, l, a)
			}
			x += widths[i]
		}
		p.SetXY(margin, y+h)
	}
	p.SetDrawColor(150, 150, 150)
	defer p.SetDrawColor(0, 0, 0)
	_, hh := cells(t.Header)
	first := hh
	if len(t.Rows) > 0 {
		_, rh := cells(t.Rows[0])
		first += rh
	}
	d.room(first)
	if len(t.Header) > 0 {
		draw(t.Header, true)
	}
	for _, r := range t.Rows {
		if _, h := cells(r); p.GetY()+h > bottom {
			d.newPage()
			d.font(mTable)
			if len(t.Header) > 0 {
				draw(t.Header, true)
			}
		}
		draw(r, false)
	}
	p.SetY(p.GetY() + 3)
}

// chart draws c: a title and a legend, a value axis from 0 to a round
// number with grid lines and their values, the first series as bars and
// the others as lines, the labels under the bars.
func (d *doc) chart(c *Chart) {
	p := d.pdf
	n := len(c.Labels)
	if n == 0 || len(c.Series) == 0 {
		return
	}
	d.room(mChartH + 4)
	top := p.GetY() + 1
	// The title at the left, the legend at the right.
	d.font(10)
	p.SetXY(margin, top)
	d.text(contentW/2, 5, c.Title, "L")
	d.font(8.5)
	lx := pageW - margin
	for i := len(c.Series) - 1; i >= 0; i-- {
		s := c.Series[i]
		w := d.width(s.Name)
		lx -= w
		p.SetXY(lx, top)
		d.text(w, 5, s.Name, "L")
		lx -= 6
		col := seriesColors[i%len(seriesColors)]
		if i == 0 {
			p.SetFillColor(col[0], col[1], col[2])
			p.Rect(lx, top+1.3, 4.5, 2.6, "F")
		} else {
			p.SetDrawColor(col[0], col[1], col[2])
			p.SetLineWidth(0.6)
			p.Line(lx, top+2.6, lx+4.5, top+2.6)
			p.SetLineWidth(0.2)
			p.SetDrawColor(0, 0, 0)
		}
		lx -= 4
	}
	// The plot's box: room for the values at the left, the labels below.
	most := 0.0
	for _, s := range c.Series {
		for _, v := range s.Values {
			most = max(most, v)
		}
	}
	step := niceStep(most / 5)
	steps := max(1, int(math.Ceil(most/step)))
	ymax := step * float64(steps)
	d.font(7.5)
	axisW := d.width(strconv.FormatFloat(ymax, 'f', -1, 64)) + 2.5
	x0, x1 := margin+axisW, pageW-margin
	y0, y1 := top+8, top+mChartH-10 // y1 is the axis
	yOf := func(v float64) float64 { return y1 - (y1-y0)*v/ymax }
	p.SetTextColor(90, 90, 90)
	for i := 0; i <= steps; i++ {
		v := step * float64(i)
		y := yOf(v)
		if i > 0 {
			p.SetDrawColor(215, 215, 215)
			p.Line(x0, y, x1, y)
		}
		p.SetXY(margin, y-2)
		d.text(axisW-1.5, 4, strconv.FormatFloat(v, 'f', -1, 64), "R")
	}
	p.SetDrawColor(0, 0, 0)
	p.Line(x0, y0-2, x0, y1)
	p.Line(x0, y1, x1, y1)
	slot := (x1 - x0) / float64(n)
	for i, l := range c.Labels {
		cx := x0 + slot*(float64(i)+0.5)
		p.Line(cx, y1, cx, y1+1)
		p.SetXY(cx-slot/2, y1+1.5)
		d.text(slot, 4, l, "C")
	}
	p.SetTextColor(0, 0, 0)
	// The bars of the first series, its values above them.
	bw := slot * 0.55
	col := seriesColors[0]
	p.SetFillColor(col[0], col[1], col[2])
	d.font(6.5)
	for i, v := range c.Series[0].Values {
		if i >= n || v <= 0 {
			continue
		}
		cx := x0 + slot*(float64(i)+0.5)
		p.Rect(cx-bw/2, yOf(v), bw, y1-yOf(v), "F")
		if s := strconv.FormatFloat(v, 'f', -1, 64); d.width(s) < slot {
			p.SetXY(cx-slot/2, yOf(v)-3.6)
			d.text(slot, 3.4, s, "C")
		}
	}
	// The lines of the others.
	for k, s := range c.Series[1:] {
		col := seriesColors[(k+1)%len(seriesColors)]
		p.SetDrawColor(col[0], col[1], col[2])
		p.SetFillColor(col[0], col[1], col[2])
		p.SetLineWidth(0.6)
		for i := 1; i < min(n, len(s.Values)); i++ {
			p.Line(x0+slot*(float64(i)-0.5), yOf(s.Values[i-1]), x0+slot*(float64(i)+0.5), yOf(s.Values[i]))
		}
		for i := 0; i < min(n, len(s.Values)); i++ {
			p.Circle(x0+slot*(float64(i)+0.5), yOf(s.Values[i]), 0.8, "F")
		}
		p.SetLineWidth(0.2)
		p.SetDrawColor(0, 0, 0)
	}
	p.SetXY(margin, top+mChartH)
}

// niceStep answers the round step (1, 2 or 5 times a power of ten, at
// least 1) nearest above raw: the grid of a value axis.
func niceStep(raw float64) float64 {
	if raw <= 1 {
		return 1
	}
	pow := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if raw <= m*pow {
			return m * pow
		}
	}
	return 10 * pow
}
