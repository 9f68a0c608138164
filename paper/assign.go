package paper

import (
	"time"

	"github.com/pingan-gov/pingan"
)

// Assignment prints the assignment order (交办单) of the case's latest
// dispatch (派遣): the unit that must act (承办单位), the matter (事项), the
// deadlines to sign and to resolve in words and dates (时限), the
// dispatcher's note as the requirements (要求), and the lines on which the
// handler signs for it. A case not dispatched yet prints the form with the
// unit and deadlines left blank, to be filled in by hand.
func (p *Printer) Assignment(s *Sheet) ([]byte, error) {
	return p.render(s, pingan.Text(s.Lang, "print.assign.title"), func(d *doc) {
		c := d.s.Case
		dispatch, _ := d.s.latest(pingan.ActDispatch)
		date := ""
		if dispatch != nil {
			date = d.t("print.date", d.day(dispatch.At))
		}
		d.head(d.s.unit(c.HoldingUnit), d.t("print.assign.title"), date)

		if dispatch == nil {
			d.row(d.t("print.label.assigned"), nil, 3*lineH)
		} else {
			d.row(d.t("print.label.assigned"), d.para(d.s.unit(dispatch.ToUnit)), 0)
		}
		d.row(d.t("print.label.matter"), d.matter(), 0)

		var lines []string
		if dispatch != nil {
			sign, resolve := dispatch.Deadline, c.ResolveBy
			signProv, resolveProv := false, c.ResolveByProvisional
			if c.AssignedUnit == dispatch.ToUnit && c.SignBy != nil {
				sign, signProv = c.SignBy, c.SignByProvisional
			}
			var pol *pingan.Policy
			if d.s.Category != nil {
				pol = &d.s.Category.Policy
			}
			if sign != nil {
				lines = append(lines, d.para(d.deadline("sign", *sign, signProv, pol))...)
			}
			if resolve != nil {
				lines = append(lines, d.para(d.deadline("resolve", *resolve, resolveProv, pol))...)
			}
		}
		d.row(d.t("print.label.deadline"), lines, 2*lineH+2*pad)

		note := ""
		if dispatch != nil {
			note = dispatch.Note
		}
		if note == "" {
			note = d.t("print.assign.requirement")
		}
		d.row(d.t("print.label.requirement"), d.para(note), 3*lineH)
		if dispatch != nil {
			d.row(d.t("print.label.issuer"), d.para(d.t("print.issuer", d.s.unit(c.HoldingUnit), dash(dispatch.ActorName))), 0)
		} else {
			d.row(d.t("print.label.issuer"), d.para(d.s.unit(c.HoldingUnit)), 0)
			d.note(d.t("print.assign.draft"))
		}

		d.ensure(4 * lineH)
		y := d.pdf.GetY() + lineH
		d.signatures(y, d.t("print.sign.handler"), 50.0, d.t("print.sign.date"), 40.0)
		d.pdf.SetXY(margin, y+2*lineH)
		d.text(contentW, lineH, d.t("print.sign.seal"), "R")
	})
}

// matter answers the lines of the matter (事项): title, description,
// address, kind and category.
func (d *doc) matter() []string {
	c := d.s.Case
	cat := c.Category
	if d.s.Category != nil {
		cat = d.s.Category.Name
	}
	return d.para(
		d.t("print.matter.title", c.Title),
		d.t("print.matter.description", dash(c.Description)),
		d.t("print.matter.address", dash(c.Address)),
		d.t("print.matter.category", d.t("kind."+string(c.Kind)), cat),
	)
}

// deadline answers one deadline in words: its date and, when the
// category's policy is known, its period.
func (d *doc) deadline(which string, at time.Time, provisional bool, pol *pingan.Policy) string {
	s := ""
	switch {
	case pol != nil && which == "sign":
		s = d.t("print.deadline.sign", d.datetime(at), d.period(pol.Sign))
	case pol != nil:
		s = d.t("print.deadline.resolve", d.datetime(at), d.period(pol.Resolve))
	default:
		s = d.t("print.deadline."+which+".date", d.datetime(at))
	}
	if provisional {
		s += d.t("print.provisional")
	}
	return s
}

// note prints a small remark under the form.
func (d *doc) note(text string) {
	p := d.pdf
	d.font(9.5)
	p.SetTextColor(90, 90, 90)
	for _, l := range d.wrap(text, contentW) {
		d.ensure(5)
		p.SetX(margin)
		y := p.GetY()
		d.text(contentW, 5, l, "L")
		p.SetXY(margin, y+5)
	}
	p.SetTextColor(0, 0, 0)
}
