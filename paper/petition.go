package paper

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pingan-gov/pingan"
)

// PetitionDoc is what a petition's written document (信访文书) prints: the
// document as issued (its kind, number, text, issuing unit and day), the
// matter it belongs to and, for a forwarding slip, where it went.
//
// The text names the petitioner: it is printed as given. Whoever fills
// the document decides what its reader may see (pingan.SeesPersonal); a
// reader who sees the case masked is not given the document to print.
type PetitionDoc struct {
	// Sheet carries the case (Case, its Petition facts), the names of
	// units by code and who prints; a document is always printed in
	// Chinese, the language it was issued in.
	Sheet
	Doc pingan.PetitionDocument
	// Petitioner is the name the document is addressed to when its text
	// does not begin with an addressee (信访人 when empty), and the
	// petitioner's line of a forwarding slip.
	Petitioner string
	// UnitName is the issuing unit's name (the head and the signature);
	// Doc.UnitName, then the name of Doc.Unit, when empty.
	UnitName string
	// Of a forwarding slip (转送交办单): ToUnit is the unit the matter went
	// to (the name of the case's assigned unit when empty), Mode whether it
	// was transferred or assigned (the case's when empty) and ReportBy the
	// day an assigned matter's 办结报告 is due (the requirement says "within
	// the period set" when nil).
	ToUnit   string
	Mode     pingan.ForwardMode
	ReportBy *time.Time
}

// issuer answers the name of the unit that issued the document.
func (x *PetitionDoc) issuer() string {
	switch {
	case x.UnitName != "":
		return x.UnitName
	case x.Doc.UnitName != "":
		return x.Doc.UnitName
	case x.Doc.Unit != "":
		return x.unit(x.Doc.Unit)
	}
	return ""
}

// toUnit answers the name of the unit a forwarding slip went to.
func (x *PetitionDoc) toUnit() string {
	if x.ToUnit != "" {
		return x.ToUnit
	}
	if x.Case != nil && x.Case.AssignedUnit != "" {
		return x.unit(x.Case.AssignedUnit)
	}
	return ""
}

// mode answers how a forwarding slip sent the matter on.
func (x *PetitionDoc) mode() pingan.ForwardMode {
	if x.Mode != "" {
		return x.Mode
	}
	if x.Case != nil && x.Case.Petition != nil && x.Case.Petition.ForwardMode != "" {
		return x.Case.Petition.ForwardMode
	}
	return pingan.ForwardTransfer
}

// Petition prints a petition's document in the layout of an official
// document (公文): the issuing unit's name in red as its head over a red
// rule, the title, the number at the right, the addressee, the text in
// paragraphs indented by two characters, and at the bottom right the
// issuing unit over the day of issue under the ring of its seal. A
// forwarding slip (转送交办单) is a form — the matter's number, the
// petitioner, how and when it came, what it is about, where it went and
// what is required of that unit — before its text. Every page's footer
// carries the matter's number and the page's number of the whole.
func (p *Printer) Petition(x *PetitionDoc) ([]byte, error) {
	if x == nil || x.Case == nil {
		return nil, pingan.E(pingan.EINTERNAL, "print.nocase")
	}
	if !x.Doc.Kind.Valid() || strings.TrimSpace(x.Doc.Body) == "" {
		return nil, pingan.E(pingan.EINTERNAL, "print.petition.nodoc")
	}
	sheet := x.Sheet
	sheet.Lang = pingan.ZH
	title := x.Doc.Kind.Title()
	return p.render(&sheet, title, func(d *doc) {
		d.pdf.SetFooterFunc(d.petitionFooter)
		d.runningWith(title + "　" + x.Doc.Number)
		d.petitionHead(x.issuer(), title, x.Doc.Number)
		addressee, paras := splitAddressee(x.Doc.Body)
		if x.Doc.Kind == pingan.DocForward {
			d.forwardForm(x)
			if addressee == "" {
				addressee = d.t("print.petition.addressee", dash(x.toUnit()))
			}
		} else if addressee == "" {
			who := x.Petitioner
			if who == "" {
				who = d.t("print.petition.someone")
			}
			addressee = d.t("print.petition.addressee", who)
		}
		d.addressee(addressee)
		d.prose(paras)
		d.petitionClosing(x.issuer(), d.day(x.Doc.IssuedAt))
	})
}

// splitAddressee answers the addressee line a document's text begins with
// ("张三：", a line of a few words ending in a colon) and the rest; "" and
// the whole text when it begins otherwise.
func splitAddressee(body string) (string, string) {
	body = strings.TrimSpace(strings.ReplaceAll(body, "\r\n", "\n"))
	first, rest, _ := strings.Cut(body, "\n")
	first = strings.TrimSpace(first)
	if (strings.HasSuffix(first, "：") || strings.HasSuffix(first, ":")) &&
		utf8.RuneCountInString(first) <= 40 && !strings.ContainsAny(first, "，。；,;") {
		return first, rest
	}
	return "", body
}

// petitionHead draws the head of the document: the issuing unit in red,
// a red rule, the title and, at the right under it, the number.
func (d *doc) petitionHead(issuer, title, number string) {
	p := d.pdf
	y := 22.0
	if issuer != "" {
		size := 22.0
		d.font(size)
		for size > 12 && d.width(issuer) > contentW {
			size--
			d.font(size)
		}
		p.SetTextColor(200, 20, 20)
		p.SetXY(margin, y)
		d.text(contentW, 11, issuer, "C")
		p.SetTextColor(0, 0, 0)
		y += 14
	}
	p.SetDrawColor(200, 20, 20)
	p.SetLineWidth(0.8)
	p.Line(margin, y, pageW-margin, y)
	p.SetLineWidth(0.2)
	p.Line(margin, y+1.2, pageW-margin, y+1.2)
	p.SetDrawColor(0, 0, 0)
	y += 7
	d.font(19)
	for _, l := range d.wrap(title, contentW) {
		p.SetXY(margin, y)
		d.text(contentW, 10, l, "C")
		y += 10
	}
	d.font(bodySize)
	p.SetXY(margin, y+1)
	d.text(contentW, lineH, number, "R")
	p.SetXY(margin, y+1+lineH+5)
}

// forwardForm draws the table of a forwarding slip: the matter's number,
// the petitioner, the channel, the day received, what it is about, the
// unit it went to and how, and what that unit must do.
func (d *doc) forwardForm(x *PetitionDoc) {
	c := x.Case
	d.row(d.t("print.petition.label.number"), d.para(c.Number), 0)
	who := dash(x.Petitioner)
	channel, received := "—", "—"
	if f := c.Petition; f != nil {
		if f.People > 1 {
			who += d.t("print.petition.people", f.People)
		}
		if f.Channel != "" {
			channel = f.Channel.Label()
		}
		if !f.ReceivedOn.IsZero() {
			received = d.day(f.ReceivedOn)
			if f.PostmarkedOn != nil {
				received += d.t("print.petition.postmark", d.day(*f.PostmarkedOn))
			}
		}
	}
	d.row(d.t("print.petition.label.petitioner"), d.para(who), 0)
	d.row(d.t("print.petition.label.channel"), d.para(channel), 0)
	d.row(d.t("print.petition.label.received"), d.para(received), 0)
	matter := []string{c.Title}
	if desc := strings.TrimSpace(c.Description); desc != "" {
		matter = append(matter, desc)
	}
	d.row(d.t("print.petition.label.matter"), d.para(matter...), 3*lineH+2*pad)
	mode := x.mode()
	d.row(d.t("print.petition.label.unit"), d.para(d.t("print.petition.unit.mode", dash(x.toUnit()), mode.Label())), 0)
	require := []string{d.t("print.petition.require.transfer")}
	if mode == pingan.ForwardAssign {
		if x.ReportBy != nil {
			require = append(require, d.t("print.petition.require.assign.by", d.day(*x.ReportBy)))
		} else {
			require = append(require, d.t("print.petition.require.assign"))
		}
	}
	d.row(d.t("print.petition.label.requirement"), d.para(require...), 0)
	d.pdf.SetY(d.pdf.GetY() + 6)
}

// addressee draws the line the document is addressed to, flush left.
func (d *doc) addressee(s string) {
	d.font(bodySize)
	d.hanging("", s, 0)
}

// sealR is the radius of the ring where the issuing unit's seal goes.
const sealR = 19.0

// petitionClosing draws the issuing unit over the day of issue at the
// right, four characters in from the edge, under the ring of the seal
// that is pressed over both. The block stays on one page; a page that
// holds only it says it has no text (此页无正文).
func (d *doc) petitionClosing(issuer, day string) {
	p := d.pdf
	d.font(bodySize)
	top := p.GetY() + lineH
	if top+2*sealR+2 > bottom {
		p.AddPage()
		p.SetY(margin)
		d.prose(d.t("print.petition.notext"))
		top = p.GetY() + lineH
	}
	right := pageW - margin - 4*d.width("　")
	dw := d.width(day)
	centre := right - dw/2
	uw := d.width(issuer)
	ux := centre - uw/2
	if ux+uw > pageW-margin {
		ux = pageW - margin - uw
	}
	cy := top + sealR
	// The seal ring: red and dashed, a place for the seal, not a seal.
	p.SetDrawColor(210, 60, 60)
	p.SetLineWidth(0.4)
	p.SetDashPattern([]float64{1.5, 1.2}, 0)
	p.Circle(centre, cy, sealR, "D")
	p.SetDashPattern([]float64{}, 0)
	p.SetLineWidth(0.2)
	p.SetDrawColor(0, 0, 0)
	if issuer != "" {
		p.SetXY(ux, cy-lineH+1)
		d.text(uw, lineH, issuer, "L")
	}
	p.SetXY(right-dw, cy+3)
	d.text(dw, lineH, day, "L")
	p.SetXY(margin, top+2*sealR+2)
}

// petitionFooter prints the matter's number and the page's number of the
// whole: a document goes to the petitioner or to a unit, so it says
// nothing of who printed it.
func (d *doc) petitionFooter() {
	d.footerWith(d.t("print.petition.footer", d.s.Case.Number))
}
