package paper

import (
	"github.com/pingan-gov/pingan"
)

// Supervision prints the supervision order (督办单) of the case's latest
// supervise action (督办): who supervises (督办单位/人), the unit supervised
// (被督办单位: the unit the case is assigned to, or the centre holding it),
// the matter with its status, the supervision deadline (督办时限), the
// supervisor's note as the requirements (要求), and the lines on which the
// unit signs for it. A case never supervised prints the form with the
// supervisor, deadline and requirements blank, to be filled in by hand.
func (p *Printer) Supervision(s *Sheet) ([]byte, error) {
	return p.render(s, pingan.Text(s.Lang, "print.supervise.title"), func(d *doc) {
		c := d.s.Case
		sup, n := d.s.latest(pingan.ActSupervise)
		issuer, date := "", ""
		if sup != nil {
			if code := d.s.ActorUnits[sup.ActorID]; code != "" && sup.ActorID != 0 {
				issuer = d.s.unit(code)
			}
			date = d.t("print.date", d.day(sup.At))
		}
		d.head(issuer, d.t("print.supervise.title"), date)

		switch {
		case sup == nil:
			d.row(d.t("print.label.supervisor"), nil, 2*lineH+2*pad)
		case issuer != "":
			d.row(d.t("print.label.supervisor"), d.para(d.t("print.supervisor", issuer, dash(sup.ActorName))), 0)
		default:
			d.row(d.t("print.label.supervisor"), d.para(d.t("print.supervisor.person", dash(sup.ActorName))), 2*lineH+2*pad)
		}
		target := c.AssignedUnit
		if target == "" {
			target = c.HoldingUnit
		}
		d.row(d.t("print.label.supervised"), d.para(d.s.unit(target)), 0)

		matter := d.matter()
		matter = append(matter, d.para(d.t("print.matter.status", d.t("status."+string(c.Status))))...)
		if c.ResolveBy != nil {
			matter = append(matter, d.para(d.t("print.matter.resolve_by", d.datetime(*c.ResolveBy))+overdue(d, c))...)
		}
		d.row(d.t("print.label.matter"), matter, 0)

		if sup == nil {
			d.row(d.t("print.label.supervise.deadline"), nil, 2*lineH+2*pad)
			d.row(d.t("print.label.requirement"), nil, 4*lineH)
			d.note(d.t("print.supervise.draft"))
		} else {
			var lines []string
			if sup.Deadline != nil {
				lines = d.para(d.t("print.supervise.deadline", d.datetime(*sup.Deadline)))
			}
			lines = append(lines, d.para(d.t("print.supervise.round", n))...)
			d.row(d.t("print.label.supervise.deadline"), lines, 0)
			d.row(d.t("print.label.requirement"), d.para(dash(sup.Note)), 3*lineH)
		}

		d.ensure(6 * lineH)
		y := d.pdf.GetY() + lineH
		d.signatures(y, d.t("print.sign.supervisor"), 50.0, d.t("print.sign.date"), 40.0)
		y += 2 * lineH
		d.signatures(y, d.t("print.sign.receiver"), 50.0, d.t("print.sign.date"), 40.0)
		d.pdf.SetXY(margin, y+2*lineH)
		d.text(contentW, lineH, d.t("print.sign.seal.supervised"), "R")
	})
}

// overdue answers the remark of an overdue case, or nothing.
func overdue(d *doc, c *pingan.Case) string {
	if c.Overdue {
		return d.t("print.overdue")
	}
	return ""
}
