package paper

import (
	"strings"
	"time"

	"github.com/pingan-gov/pingan"
)

// MediationSheet is what the documents of a dispute's mediation print: the
// sheet of the case — its parties as the reader may see them, whole or
// masked, its timeline, the names of its units — and the record of its
// mediation (sessions, agreement, follow-up visits).
//
// Unlike the summary, these documents print the parties as they are given:
// the agreement (调解协议书) is signed by them and the dossier (卷宗) is the
// mediation organisation's own file. Whoever fills the sheet decides what
// its reader may see (pingan.SeesPersonal) and hands a masked case and
// record to a reader who may not; the page then says so.
type MediationSheet struct {
	Sheet
	// Record is the mediation's record; its agreement, for the agreement.
	Record *pingan.MediationRecord
	// Organisation is the code of the mediation organisation (调解组织, the
	// unit that mediated); the case's assigned unit when empty. Its name
	// comes from Units.
	Organisation string
}

// org answers the name of the mediation organisation, or "".
func (m *MediationSheet) org() string {
	code := m.Organisation
	if code == "" && m.Case != nil {
		code = m.Case.AssignedUnit
	}
	if code == "" {
		return ""
	}
	return m.unit(code)
}

// masked reports whether the sheet's personal data is masked.
func (m *MediationSheet) masked() bool {
	return m.Case.PersonalMasked || (m.Record != nil && m.Record.Masked)
}

// check answers the error of a sheet without a case or record.
func (m *MediationSheet) check() error {
	if m == nil || m.Case == nil {
		return pingan.E(pingan.EINTERNAL, "print.nocase")
	}
	if m.Record == nil {
		return pingan.E(pingan.EINTERNAL, "print.mediation.norecord")
	}
	return nil
}

// Agreement prints the written mediation agreement (人民调解协议书, 《人民
// 调解法》art. 29) in the layout mediation committees use: the title and the
// number, the parties (role, name, person or organisation, ID number,
// address, phone), the main facts and the matters in dispute, the terms
// agreed, each with who performs it, how and by when, the closing lines
// (copies, when it takes effect, the 30 days to apply for judicial
// confirmation) and the lines on which the parties and the mediators sign
// under the committee's seal and the date. A dispute without an agreement
// is an ECONFLICT error (mediation.no_agreement).
func (p *Printer) Agreement(m *MediationSheet) ([]byte, error) {
	if err := m.check(); err != nil {
		return nil, err
	}
	a := m.Record.Agreement
	if a == nil {
		return nil, pingan.E(pingan.ECONFLICT, "mediation.no_agreement")
	}
	title := pingan.Text(m.Lang, "print.agreement.title")
	return p.render(&m.Sheet, title, func(d *doc) {
		d.running(title)
		d.agreement(m, a, 16)
	})
}

// agreement draws the agreement from y down: the organisation, the title
// and the number, the parties, the facts and terms, the closing lines and
// the signatures.
func (d *doc) agreement(m *MediationSheet, a *pingan.Agreement, y float64) {
	p := d.pdf
	if org := m.org(); org != "" {
		d.font(12)
		p.SetXY(margin, y)
		d.text(contentW, 6, org, "C")
	}
	d.font(22)
	p.SetXY(margin, y+8)
	d.text(contentW, 11, d.t("print.agreement.title"), "C")
	d.font(bodySize)
	y += 22
	p.SetXY(margin, y)
	d.text(contentW, lineH, d.t("print.number", m.Case.Number), "R")
	y += lineH + 1
	p.SetLineWidth(0.4)
	p.Line(margin, y, pageW-margin, y)
	p.SetLineWidth(0.2)
	p.SetY(y + 4)
	if m.masked() {
		d.note(d.t("print.mediation.masked"))
		p.SetY(p.GetY() + 2)
	}
	if !a.Written {
		d.note(d.t("print.agreement.oral"))
		p.SetY(p.GetY() + 2)
	}
	d.parties(m.Case.Parties)
	d.agreementBody(m, a)
	d.agreementClosing(m, a)
	d.agreementSignatures(m, a)
}

// running sets the running head of every page after the first: the
// document's title and the case number, small, above a thin rule.
func (d *doc) running(title string) {
	d.runningWith(title + "　" + d.t("print.number", d.s.Case.Number))
}

// runningWith sets the running head of every page after the first to s,
// small, above a thin rule.
func (d *doc) runningWith(s string) {
	p := d.pdf
	p.SetHeaderFunc(func() {
		size := d.size
		d.font(8.5)
		p.SetTextColor(110, 110, 110)
		p.SetXY(margin, 10)
		d.text(contentW, 5, s, "R")
		p.SetDrawColor(160, 160, 160)
		p.Line(margin, 15.5, pageW-margin, 15.5)
		p.SetDrawColor(0, 0, 0)
		p.SetTextColor(0, 0, 0)
		if size > 0 {
			d.font(size)
		}
		p.SetXY(margin, margin)
	})
}

// parties draws a row of the form for each party: its role (numbered when
// the role repeats: 申请人一、申请人二), its name and whether a person or
// an organisation, its ID number, address and phone.
func (d *doc) parties(ps []pingan.Person) {
	labels := d.partyLabels(ps)
	for i, x := range ps {
		d.row(labels[i], d.para(d.partyLines(x)...), 0)
	}
	if len(ps) == 0 {
		d.row(d.t("party.role.party"), nil, 2*lineH+2*pad)
	}
}

// partyLabels answers the label of each party: its role, with its number
// among the parties of that role when there are several.
func (d *doc) partyLabels(ps []pingan.Person) []string {
	count := map[string]int{}
	for _, x := range ps {
		count[roleOf(x)]++
	}
	seen := map[string]int{}
	out := make([]string, len(ps))
	for i, x := range ps {
		r := roleOf(x)
		seen[r]++
		out[i] = d.t("party.role." + r)
		if count[r] > 1 {
			out[i] = d.t("print.party.nth", out[i], d.ordinal(seen[r]))
		}
	}
	return out
}

// roleOf answers the role of a party as a known role.
func roleOf(x pingan.Person) string {
	switch x.Role {
	case pingan.PartyApplicant, pingan.PartyRespondent:
		return x.Role
	}
	return pingan.PartyOther
}

// partyLines answers what the form says of one party.
func (d *doc) partyLines(x pingan.Person) []string {
	typ := pingan.PartyPerson
	if x.Type == pingan.PartyOrganisation {
		typ = pingan.PartyOrganisation
	}
	id := "print.party.id"
	if typ == pingan.PartyOrganisation {
		id = "print.party.code"
	}
	return []string{
		d.t("print.party.name", dash(x.Name), d.t("party.type."+string(typ))),
		d.t(id, dash(x.IDNumber)) + "　" + d.t("print.party.phone", dash(x.Phone)),
		d.t("print.party.address", dash(x.Address)),
	}
}

// partyName answers the role and name of a party in one line.
func (d *doc) partyName(label string, x pingan.Person) string {
	return label + " " + dash(x.Name)
}

// ordinal answers n as the page's language counts: 一、二、三 in Chinese.
func (d *doc) ordinal(n int) string {
	if d.s.Lang == pingan.EN {
		return itoa(n)
	}
	return chinese(n)
}

// chinese answers n (1…999) in Chinese numerals; larger n in digits.
func chinese(n int) string {
	digits := []string{"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"}
	switch {
	case n <= 0 || n > 999:
		return itoa(n)
	case n < 10:
		return digits[n]
	case n == 10:
		return "十"
	case n < 20:
		return "十" + digits[n%10]
	case n < 100:
		s := digits[n/10] + "十"
		if n%10 != 0 {
			s += digits[n%10]
		}
		return s
	}
	s := digits[n/100] + "百"
	switch r := n % 100; {
	case r == 0:
	case r < 10:
		s += "零" + digits[r]
	case r < 20:
		s += "一" + chinese(r)
	default:
		s += chinese(r)
	}
	return s
}

func itoa(n int) string {
	if n < 0 {
		return "-" + itoa(-n)
	}
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}

// heading draws the heading of a part of a document, keeping room for a
// few lines under it on the same page.
func (d *doc) heading(s string) {
	p := d.pdf
	d.font(12.5)
	lines := d.wrap(s, contentW)
	d.ensure(float64(len(lines))*7 + 3*lineH)
	p.SetY(p.GetY() + 2)
	for _, l := range lines {
		y := p.GetY()
		p.SetX(margin)
		d.text(contentW, 7, l, "L")
		p.SetXY(margin, y+7)
	}
	d.font(bodySize)
}

// prose draws text across the page, wrapped, each paragraph's first line
// indented by two characters, breaking to a new page where the page ends.
func (d *doc) prose(text string) {
	d.font(bodySize)
	for _, para := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		para = strings.TrimSpace(para)
		if para == "" {
			continue
		}
		d.hanging("", "　　"+para, 0)
	}
}

// hanging draws text after a label (a term's number "一、") with every line
// after the first indented under the text, from x off the margin.
func (d *doc) hanging(label, text string, x float64) {
	p := d.pdf
	d.font(bodySize)
	lw := d.width(label)
	for i, l := range d.wrap(text, contentW-x-lw) {
		d.ensure(lineH)
		y := p.GetY()
		p.SetXY(margin+x, y)
		if i == 0 && label != "" {
			d.text(lw, lineH, label, "L")
		}
		p.SetXY(margin+x+lw, y)
		d.text(contentW-x-lw, lineH, l, "L")
		p.SetXY(margin, y+lineH)
	}
}

// agreementBody draws the facts and the terms of an agreement.
func (d *doc) agreementBody(m *MediationSheet, a *pingan.Agreement) {
	d.heading(d.t("print.agreement.facts"))
	d.prose(m.shown(d, a.Facts))
	d.heading(d.t("print.agreement.terms"))
	for _, t := range a.Terms {
		t.Text, t.By = m.shown(d, t.Text), m.shown(d, t.By)
		d.term(t)
	}
}

// shown answers a text of the record as printed: a dash for nothing, or
// the words that say it was withheld from a reader who sees the record
// masked.
func (m *MediationSheet) shown(d *doc, s string) string {
	if strings.TrimSpace(s) == "" && m.Record.Masked {
		return d.t("print.mediation.withheld")
	}
	return dash(s)
}

// term draws one term: its number and text, then who performs it, how
// and by when.
func (d *doc) term(t pingan.Term) {
	label := d.t("print.agreement.term.no", d.ordinal(t.No))
	d.hanging(label, t.Text, 0)
	how := t.How
	if how == "" {
		how = d.t("print.agreement.term.how.none")
	}
	d.hanging("", d.t("print.agreement.term.detail", dash(t.By), how, d.day(t.Due)), d.width(label))
	d.pdf.SetY(d.pdf.GetY() + 1)
}

// confirmBy answers the last day to apply for judicial confirmation: the
// case's, or 30 days after the agreement.
func confirmBy(c *pingan.Case, a *pingan.Agreement) time.Time {
	if c.Mediation != nil && c.Mediation.ConfirmBy != nil {
		return *c.Mediation.ConfirmBy
	}
	return pingan.DayOf(a.SignedOn).AddDate(0, 0, pingan.ConfirmWindowDays)
}

// agreementClosing draws the closing lines: the copies, when the
// agreement takes effect and binds, and the 30 days for judicial
// confirmation.
func (d *doc) agreementClosing(m *MediationSheet, a *pingan.Agreement) {
	d.pdf.SetY(d.pdf.GetY() + 2)
	d.prose(d.t("print.agreement.copies", d.copies(len(m.Case.Parties)+1)))
	d.prose(d.t("print.agreement.effect"))
	d.prose(d.t("print.agreement.confirm", pingan.ConfirmWindowDays, d.day(confirmBy(m.Case, a))))
}

// copies answers the number of copies in words.
func (d *doc) copies(n int) string {
	if n < 2 {
		n = 2
	}
	return d.ordinal(n)
}

// agreementSignatures draws the lines on which each party and each
// mediator signs, the committee's seal and the date of the agreement.
func (d *doc) agreementSignatures(m *MediationSheet, a *pingan.Agreement) {
	p := d.pdf
	labels := d.partyLabels(m.Case.Parties)
	var parties []string
	for i, x := range m.Case.Parties {
		parties = append(parties, d.partyName(labels[i], x))
	}
	if len(parties) == 0 {
		parties = []string{"", ""}
	}
	mediators := a.Mediators
	if len(mediators) == 0 {
		mediators = []string{""}
	}
	// The block stays together where it fits on one page; a page that
	// holds only signatures says that it has no text (此页无正文).
	rows := func(n int) float64 { return float64((n + 1) / 2) }
	need := 6*lineH + 2 + lineH/2 + 2*(lineH+1) + (rows(len(parties))+rows(len(mediators)))*(lineH+3)
	if p.GetY()+need > bottom {
		p.AddPage()
		p.SetY(margin)
		d.prose(d.t("print.agreement.notext"))
	}
	p.SetY(p.GetY() + lineH)
	d.signLines(d.t("print.agreement.sign.parties"), parties)
	p.SetY(p.GetY() + lineH/2)
	d.signLines(d.t("print.agreement.sign.mediators"), mediators)
	p.SetY(p.GetY() + lineH)
	org := m.org()
	seal := d.t("print.agreement.seal.committee")
	if org != "" {
		seal = d.t("print.agreement.seal", org)
	}
	d.ensure(3 * lineH)
	y := p.GetY()
	p.SetXY(margin, y)
	d.text(contentW, lineH, seal, "R")
	p.SetXY(margin, y+lineH+2)
	d.text(contentW, lineH, d.day(a.SignedOn), "R")
	p.SetXY(margin, y+2*lineH+4)
}

// signLines draws a heading ("当事人签名（盖章）：") and under it, two to a
// line, each name with the line to sign on.
func (d *doc) signLines(head string, names []string) {
	p := d.pdf
	d.font(bodySize)
	d.ensure(2 * lineH)
	y := p.GetY()
	p.SetXY(margin, y)
	d.text(contentW, lineH, head, "L")
	p.SetXY(margin, y+lineH+1)
	half := contentW / 2
	for i := 0; i < len(names); {
		d.ensure(lineH + 3)
		y := p.GetY()
		two := i+1 < len(names) && d.width(names[i]) < half-35 && d.width(names[i+1]) < half-35
		n := 1
		if two {
			n = 2
		}
		w := contentW / float64(n)
		for j := 0; j < n; j++ {
			x := margin + 8 + float64(j)*w
			label := names[i+j]
			lw := 0.0
			if label != "" {
				label += "："
				lw = d.width(label) + 1
			}
			p.SetXY(x, y)
			d.text(lw, lineH, label, "L")
			end := min(x+lw+40, margin+float64(j+1)*w-4)
			p.Line(x+lw, y+lineH-0.8, end, y+lineH-0.8)
		}
		i += n
		p.SetXY(margin, y+lineH+3)
	}
}
