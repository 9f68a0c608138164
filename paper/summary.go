package paper

import (
	"strings"

	"github.com/pingan-gov/pingan"
)

// Summary prints the case summary (案件摘要): the case's facts, its people
// with their personal data masked whatever the reader may see on screen (a
// printed page leaves the system), and its timeline.
func (p *Printer) Summary(s *Sheet) ([]byte, error) {
	return p.render(s, pingan.Text(s.Lang, "print.summary.title"), func(d *doc) {
		c := d.s.Case
		at := d.s.PrintedAt
		date := ""
		if !at.IsZero() {
			date = d.t("print.date", d.day(at))
		}
		d.head(d.s.unit(c.HoldingUnit), d.t("print.summary.title"), date)

		cat := c.Category
		if d.s.Category != nil {
			cat = d.s.Category.Name
		}
		d.pair(d.t("print.case.status"), d.t("status."+string(c.Status)), d.t("print.case.source"), d.t("source."+string(c.Source)))
		d.pair(d.t("print.case.category"), d.t("kind."+string(c.Kind))+" / "+cat, d.t("print.case.grid"), dash(c.Grid))
		d.pair(d.t("print.case.unit"), dash(d.s.unit(c.Unit)), d.t("print.case.holding"), dash(d.s.unit(c.HoldingUnit)))
		d.pair(d.t("print.case.assigned"), dash(d.s.unit(c.AssignedUnit)), d.t("print.case.escalation"), escalation(d, c.EscalationLevel))
		closed := "—"
		if c.ClosedAt != nil {
			closed = d.datetime(*c.ClosedAt)
		}
		d.pair(d.t("print.case.reported"), d.datetime(c.ReportedAt), d.t("print.case.closed"), closed)
		sign, resolve := "—", "—"
		if c.SignBy != nil {
			sign = d.datetime(*c.SignBy)
			if c.SignByProvisional {
				sign += d.t("print.provisional")
			}
		}
		if c.ResolveBy != nil {
			resolve = d.datetime(*c.ResolveBy)
			if c.ResolveByProvisional {
				resolve += d.t("print.provisional")
			}
		}
		resolve += overdue(d, c)
		d.pair(d.t("print.case.sign_by"), sign, d.t("print.case.resolve_by"), resolve)
		supervised, rating := d.t("print.no"), "—"
		if c.Supervised {
			supervised = d.t("print.yes")
		}
		if c.Satisfaction != nil {
			rating = d.t("sat." + string(*c.Satisfaction))
		}
		d.pair(d.t("print.case.supervised"), supervised, d.t("print.case.rating"), rating)

		d.row(d.t("print.case.title"), d.para(c.Title), 0)
		d.row(d.t("print.case.description"), d.para(dash(c.Description)), 0)
		d.row(d.t("print.case.address"), d.para(dash(c.Address)), 0)
		if c.Reporter != nil {
			d.row(d.t("print.case.reporter"), d.para(d.person(*c.Reporter)), 0)
		}
		if len(c.Parties) > 0 {
			var lines []string
			for _, x := range c.Parties {
				lines = append(lines, d.para(d.person(x))...)
			}
			d.row(d.t("print.case.parties"), lines, 0)
		}
		d.pdf.SetY(d.pdf.GetY() + 1)
		d.note(d.t("print.summary.masked"))

		d.timeline()
	})
}

// person answers someone in the case with their personal data masked.
func (d *doc) person(x pingan.Person) string {
	m := x.Masked()
	var parts []string
	for _, s := range []string{m.Name, m.Phone, m.IDNumber} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	s := strings.Join(parts, "  ")
	if x.Role != "" && x.Role != "reporter" {
		s = x.Role + "：" + s
	}
	return dash(s)
}

// Columns of the timeline table, in millimetres: time, step, who, units, note.
var timelineCols = [...]float64{30, 22, 32, 34, 52}

const (
	smallSize = 9.5
	smallH    = 5.0
)

// timeline draws every action of the case as a table, its head again on
// each new page.
func (d *doc) timeline() {
	p := d.pdf
	head := []string{d.t("print.tl.time"), d.t("print.tl.action"), d.t("print.tl.actor"), d.t("print.tl.units"), d.t("print.tl.note")}
	d.ensure(lineH + 3*smallH + 10)
	p.SetY(p.GetY() + 3)
	d.font(13)
	p.SetX(margin)
	y := p.GetY()
	d.text(contentW, 8, d.t("print.tl.title"), "L")
	p.SetXY(margin, y+8)
	drawHead := func() {
		d.font(smallSize)
		p.SetFillColor(230, 230, 230)
		x, y := margin, p.GetY()
		for i, h := range head {
			p.Rect(x, y, timelineCols[i], smallH+2, "FD")
			p.SetXY(x, y)
			d.text(timelineCols[i], smallH+2, h, "C")
			x += timelineCols[i]
		}
		p.SetXY(margin, y+smallH+2)
	}
	drawHead()
	for _, a := range d.s.Timeline {
		cells := d.timelineCells(a)
		d.font(smallSize)
		wrapped := make([][]string, len(cells))
		n := 1
		for i, s := range cells {
			wrapped[i] = d.wrap(s, timelineCols[i]-2*pad)
			n = max(n, len(wrapped[i]))
		}
		h := float64(n)*smallH + 2
		if p.GetY()+h > bottom {
			p.AddPage()
			p.SetY(margin)
			drawHead()
		}
		x, y := margin, p.GetY()
		for i, lines := range wrapped {
			p.Rect(x, y, timelineCols[i], h, "D")
			for j, l := range lines {
				p.SetXY(x+pad, y+1+float64(j)*smallH)
				d.text(timelineCols[i]-2*pad, smallH, l, "L")
			}
			x += timelineCols[i]
		}
		p.SetXY(margin, y+h)
	}
}

// timelineCells answers the columns of one timeline entry.
func (d *doc) timelineCells(a *pingan.Action) []string {
	actor := a.ActorName
	if a.ActorID == 0 && (actor == "" || actor == pingan.SystemActor) {
		actor = d.t("print.system")
	}
	step := d.t("action." + string(a.Action))
	if a.ToStatus != "" && a.ToStatus != a.FromStatus {
		step += "\n" + d.t("status."+string(a.ToStatus))
	}
	units := ""
	switch {
	case a.FromUnit != "" && a.ToUnit != "":
		units = d.s.unit(a.FromUnit) + " → " + d.s.unit(a.ToUnit)
	case a.ToUnit != "":
		units = "→ " + d.s.unit(a.ToUnit)
	case a.FromUnit != "":
		units = d.s.unit(a.FromUnit) + " →"
	}
	var note []string
	if a.Note != "" {
		note = append(note, a.Note)
	}
	if a.Deadline != nil {
		note = append(note, d.t("print.tl.deadline", d.datetime(*a.Deadline)))
	}
	if a.Days > 0 {
		note = append(note, d.t("print.tl.days", a.Days))
	}
	if a.Satisfaction != "" {
		note = append(note, d.t("sat."+string(a.Satisfaction)))
	}
	if len(a.Attachments) > 0 {
		note = append(note, d.t("print.tl.photos", len(a.Attachments)))
	}
	return []string{d.datetime(a.At), step, dash(actor), dash(units), dash(strings.Join(note, "\n"))}
}

// pair draws a row of two short facts side by side, each with its label.
func (d *doc) pair(l1, v1, l2, v2 string) {
	p := d.pdf
	d.font(bodySize)
	const lw = labelW
	vw := contentW/2 - lw
	a, b := d.wrap(v1, vw-2*pad), d.wrap(v2, vw-2*pad)
	h := float64(max(len(a), len(b)))*lineH + 2*pad
	d.ensure(h)
	y := p.GetY()
	x := margin
	for _, col := range []struct {
		label string
		lines []string
	}{{l1, a}, {l2, b}} {
		p.SetFillColor(240, 240, 240)
		p.Rect(x, y, lw, h, "FD")
		p.Rect(x+lw, y, vw, h, "D")
		p.SetXY(x+1, y+pad)
		d.text(lw-2, lineH, col.label, "C")
		for j, l := range col.lines {
			p.SetXY(x+lw+pad, y+pad+float64(j)*lineH)
			d.text(vw-2*pad, lineH, l, "L")
		}
		x += lw + vw
	}
	p.SetXY(margin, y+h)
}

// escalation answers how many levels the case rose, in words.
func escalation(d *doc, n int) string {
	if n == 0 {
		return d.t("print.case.escalation.none")
	}
	return d.t("print.case.escalation.level", n)
}
