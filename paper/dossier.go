package paper

import (
	"strconv"
	"strings"
	"time"

	"github.com/pingan-gov/pingan"
)

// Dossier prints the file of a dispute whose mediation ended (人民调解卷宗),
// what an inspector asks to see, in the order such a file is bound:
//
//  1. the cover (封面): the organisation, the case number, the category,
//     the parties, the days of acceptance and closing, the outcome and how
//     long the file is kept (保管期限);
//  2. the table of contents (卷内目录) with the page of each document;
//  3. the registration (受理登记表): how the dispute came, the parties, the
//     facts;
//  4. the record of each session (调解笔录): time, place, mediators,
//     attendees, the notice of rights, the record, its result;
//  5. the agreement (调解协议书) as Agreement prints it, or the end of a
//     failed or refused mediation with its reason and the route the parties
//     were told about (调解终结记录);
//  6. after an agreement, judicial confirmation (司法确认) and the
//     performance of each term (协议履行情况);
//  7. the follow-up visits (回访记录);
//  8. the timeline (办理过程);
//  9. the closing note of the file (卷内备考表).
//
// A dispute whose mediation has not ended is an ECONFLICT error.
func (p *Printer) Dossier(m *MediationSheet) ([]byte, error) {
	if err := m.check(); err != nil {
		return nil, err
	}
	if m.Case.Mediation == nil || m.Case.Mediation.Outcome == "" {
		return nil, pingan.E(pingan.ECONFLICT, "print.dossier.open")
	}
	title := pingan.Text(m.Lang, "print.dossier.title")
	// Drawn twice: the contents learn from the first drawing on which page
	// each document begins.
	var pages []int
	draw := func(known []int) func(d *doc) {
		return func(d *doc) { pages = d.dossier(m, known) }
	}
	if _, err := p.render(&m.Sheet, title, draw(nil)); err != nil {
		return nil, err
	}
	return p.render(&m.Sheet, title, draw(pages))
}

// part is one document of the dossier: its name and date in the contents,
// whether it begins a page, and how it is drawn.
type part struct {
	name, date string
	newPage    bool
	draw       func()
}

// dossier draws the dossier, with the pages of its parts in the contents
// when known, and answers the page each part begins on.
func (d *doc) dossier(m *MediationSheet, known []int) []int {
	c, rec := m.Case, m.Record
	med := c.Mediation
	d.running(d.t("print.dossier.title"))
	parts := []part{{name: d.t("print.dossier.registration"), date: d.day(d.accepted()), newPage: true, draw: func() { d.registration(m) }}}
	for i := range rec.Sessions {
		s := rec.Sessions[i]
		n := i + 1
		if s.Seq > 0 {
			n = s.Seq
		}
		parts = append(parts, part{name: d.t("print.dossier.session", d.ordinal(n)), date: d.day(s.HeldAt), newPage: true,
			draw: func() { d.session(m, n, s) }})
	}
	agreed := med.Outcome == pingan.OutcomeAgreement && rec.Agreement != nil
	if agreed {
		a := rec.Agreement
		parts = append(parts,
			part{name: d.t("print.agreement.title"), date: d.day(a.SignedOn), newPage: true, draw: func() { d.agreement(m, a, margin) }},
			part{name: d.t("print.dossier.confirmation"), date: d.lastDay(pingan.ActConfirm), newPage: true, draw: func() { d.confirmation(m, a) }},
			part{name: d.t("print.dossier.performance"), date: d.lastDay(pingan.ActPerform), draw: func() { d.performance(m, a) }})
	} else {
		act := pingan.ActMediationFail
		if med.Outcome == pingan.OutcomeRefused {
			act = pingan.ActRefuseMediation
		}
		parts = append(parts, part{name: d.t("print.dossier.end"), date: d.lastDay(act), newPage: true, draw: func() { d.ending(m, act) }})
	}
	revisited := ""
	if n := len(rec.Revisits); n > 0 {
		revisited = d.day(rec.Revisits[n-1].On)
	}
	parts = append(parts,
		part{name: d.t("print.dossier.revisits"), date: revisited, newPage: !agreed, draw: func() { d.revisits(m) }},
		part{name: d.t("print.tl.title"), date: "", newPage: true, draw: d.timeline},
		part{name: d.t("print.dossier.closing"), newPage: true, draw: func() { d.closingNote(m) }})

	d.cover(m)
	d.contents(parts, known)
	pages := make([]int, len(parts))
	for i, x := range parts {
		if x.newPage {
			d.pdf.AddPage()
			d.pdf.SetY(margin)
		} else {
			d.ensure(4 * lineH)
			d.pdf.SetY(d.pdf.GetY() + lineH)
		}
		pages[i] = d.pdf.PageNo()
		x.draw()
	}
	return pages
}

// accepted answers when the case was accepted (受理): its first accept
// action, or its report.
func (d *doc) accepted() time.Time {
	for _, a := range d.s.Timeline {
		if a.Action == pingan.ActAccept {
			return a.At
		}
	}
	return d.s.Case.ReportedAt
}

// lastDay answers the day of the last action named a, or "".
func (d *doc) lastDay(a pingan.ActionName) string {
	if x, _ := d.s.latest(a); x != nil {
		return d.day(x.At)
	}
	return ""
}

// Retention periods of a dossier (保管期限).
const (
	RetainLong  = "long"  // 长期
	RetainShort = "short" // 短期
)

// Retention answers how long the dossier of c is kept: long (长期) for a
// group dispute (群体性纠纷) and for an agreement a court confirmed, which
// may be enforced for years; short (短期) for the others — the rule of the
// archive rules of most mediation committees.
func Retention(c *pingan.Case) string {
	if m := c.Mediation; m != nil && (m.Group || m.Confirmation == pingan.ConfirmConfirmed) {
		return RetainLong
	}
	return RetainShort
}

// outcome answers the outcome of the mediation in words, with the route
// of a failed or refused one.
func (d *doc) outcome(med *pingan.Mediation) string {
	s := d.t("outcome." + string(med.Outcome))
	if med.Outcome != pingan.OutcomeAgreement && med.Referral != "" {
		s += d.t("print.dossier.referred", d.t("referral."+string(med.Referral)))
	}
	return s
}

// cover draws the cover of the dossier on the first page.
func (d *doc) cover(m *MediationSheet) {
	p := d.pdf
	c := m.Case
	d.qr(c.Number, qrX, qrY, qrSize)
	if org := m.org(); org != "" {
		d.font(16)
		p.SetXY(margin, 62)
		d.text(contentW, 9, org, "C")
	}
	d.font(32)
	p.SetXY(margin, 76)
	d.text(contentW, 16, d.t("print.dossier.title"), "C")
	p.SetY(112)
	cat := c.Category
	if d.s.Category != nil {
		cat = d.s.Category.Name
	}
	closed := d.t("print.dossier.notclosed")
	if c.ClosedAt != nil {
		closed = d.day(*c.ClosedAt)
	}
	labels := d.partyLabels(c.Parties)
	var parties []string
	for i, x := range c.Parties {
		parties = append(parties, d.partyName(labels[i], x))
	}
	d.row(d.t("print.dossier.number"), d.para(c.Number), 0)
	d.row(d.t("print.dossier.name"), d.para(c.Title), 0)
	d.row(d.t("print.case.category"), d.para(d.t("kind."+string(c.Kind))+" / "+cat), 0)
	d.row(d.t("print.case.parties"), d.para(dash(strings.Join(parties, "；"))), 0)
	d.row(d.t("print.dossier.org"), d.para(dash(m.org())), 0)
	d.row(d.t("print.dossier.accepted"), d.para(d.day(d.accepted())), 0)
	d.row(d.t("print.dossier.closed"), d.para(closed), 0)
	d.row(d.t("print.dossier.outcome"), d.para(d.outcome(c.Mediation)), 0)
	d.row(d.t("print.dossier.retention"), d.para(d.t("print.dossier.retain."+Retention(c))), 0)
	d.row(d.t("print.dossier.filer"), nil, lineH+2*pad)
	if m.masked() {
		p.SetY(p.GetY() + 2)
		d.note(d.t("print.mediation.masked"))
	}
}

// Columns of the contents, in millimetres: number, document, date, page.
var contentsCols = [...]float64{16, 94, 40, 20}

// contents draws the table of contents (卷内目录) on a page of its own,
// with each part's page when known.
func (d *doc) contents(parts []part, known []int) {
	p := d.pdf
	p.AddPage()
	d.font(18)
	p.SetXY(margin, margin)
	d.text(contentW, 10, d.t("print.dossier.contents"), "C")
	p.SetY(margin + 16)
	head := []string{d.t("print.dossier.col.no"), d.t("print.dossier.col.name"), d.t("print.dossier.col.date"), d.t("print.dossier.col.page")}
	drawRow := func(cells []string, fill bool) {
		d.font(bodySize)
		h := lineH + 2*pad
		if p.GetY()+h > bottom {
			p.AddPage()
			p.SetY(margin)
		}
		x, y := margin, p.GetY()
		for i, s := range cells {
			style := "D"
			if fill {
				p.SetFillColor(235, 235, 235)
				style = "FD"
			}
			p.Rect(x, y, contentsCols[i], h, style)
			p.SetXY(x+pad, y+pad)
			align := "C"
			if i == 1 && !fill {
				align = "L"
			}
			d.text(contentsCols[i]-2*pad, lineH, s, align)
			x += contentsCols[i]
		}
		p.SetXY(margin, y+h)
	}
	drawRow(head, true)
	for i, x := range parts {
		page := ""
		if i < len(known) {
			page = strconv.Itoa(known[i])
		}
		name := x.name
		if lines := d.wrap(name, contentsCols[1]-2*pad); len(lines) > 1 {
			name = lines[0] + "…"
		}
		drawRow([]string{strconv.Itoa(i + 1), name, dash(x.date), page}, false)
	}
}

// title draws the title of a document of the dossier, centred.
func (d *doc) title(s string) {
	p := d.pdf
	d.font(17)
	y := p.GetY()
	p.SetXY(margin, y)
	d.text(contentW, 10, s, "C")
	p.SetXY(margin, y+14)
	d.font(bodySize)
}

// registration draws the registration of the dispute (受理登记表).
func (d *doc) registration(m *MediationSheet) {
	c := m.Case
	med := c.Mediation
	d.title(d.t("print.dossier.registration"))
	cat := c.Category
	if d.s.Category != nil {
		cat = d.s.Category.Name
	}
	d.pair(d.t("print.dossier.number"), c.Number, d.t("print.case.source"), d.t("source."+string(c.Source)))
	d.pair(d.t("print.case.reported"), d.datetime(c.ReportedAt), d.t("print.dossier.accepted"), d.datetime(d.accepted()))
	d.pair(d.t("print.case.holding"), dash(d.s.unit(c.HoldingUnit)), d.t("print.dossier.org"), dash(m.org()))
	d.pair(d.t("print.case.category"), d.t("kind."+string(c.Kind))+" / "+cat, d.t("print.case.grid"), dash(c.Grid))
	amount, people := "—", "—"
	if med.AmountFen > 0 {
		amount = d.t("print.dossier.yuan", yuan(med.AmountFen))
	}
	if med.People > 0 {
		people = strconv.Itoa(med.People)
	}
	if med.Group {
		people += d.t("print.dossier.group")
	}
	d.pair(d.t("print.dossier.amount"), amount, d.t("print.dossier.people"), people)
	if r := c.Reporter; r != nil && r.Name+r.Phone != "" {
		d.row(d.t("print.case.reporter"), d.para(strings.TrimSpace(dash(r.Name)+"  "+r.Phone)), 0)
	}
	d.parties(c.Parties)
	d.row(d.t("print.dossier.name"), d.para(c.Title), 0)
	d.row(d.t("print.dossier.facts"), d.para(dash(c.Description)), 3*lineH)
	d.row(d.t("print.case.address"), d.para(dash(c.Address)), 0)
	if m.masked() {
		d.pdf.SetY(d.pdf.GetY() + 1)
		d.note(d.t("print.mediation.masked"))
	}
}

// yuan answers an amount in fen as yuan with separators: 12,345.60.
func yuan(fen int64) string {
	s := strconv.FormatInt(fen/100, 10)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	cents := fen % 100
	return b.String() + "." + string(rune('0'+cents/10)) + string(rune('0'+cents%10))
}

// session draws the record of one mediation session (调解笔录).
func (d *doc) session(m *MediationSheet, n int, s pingan.MediationSession) {
	d.title(d.t("print.dossier.session", d.ordinal(n)))
	attendees, record := m.shown(d, s.Attendees), m.shown(d, s.Record)
	rights := d.t("print.dossier.rights.no")
	if s.RightsNotified {
		rights = d.t("print.dossier.rights.yes")
	}
	d.row(d.t("print.dossier.held"), d.para(d.datetime(s.HeldAt)), 0)
	d.row(d.t("print.dossier.place"), d.para(dash(s.Place)), 0)
	d.row(d.t("print.dossier.mediators"), d.para(dash(strings.Join(s.Mediators, "、"))), 0)
	d.row(d.t("print.dossier.attendees"), d.para(attendees), 0)
	d.row(d.t("print.dossier.rights"), d.para(rights), 0)
	d.row(d.t("print.dossier.record"), d.para(record), 6*lineH)
	d.row(d.t("print.dossier.result"), d.para(d.t("session.result."+string(s.Result))), 0)
	if s.RecordedBy != "" {
		by := s.RecordedBy
		if !s.RecordedAt.IsZero() {
			by += "（" + d.datetime(s.RecordedAt) + "）"
		}
		d.row(d.t("print.dossier.recorder"), d.para(by), 0)
	}
	d.ensure(3 * lineH)
	y := d.pdf.GetY() + lineH
	d.signatures(y, d.t("print.dossier.sign.parties"), 45.0, d.t("print.dossier.sign.mediators"), 45.0)
	d.pdf.SetXY(margin, y+2*lineH)
}

// ending draws the end of a mediation without agreement (调解终结记录):
// the outcome, the day, why, and the route the parties were told about
// (art. 26).
func (d *doc) ending(m *MediationSheet, act pingan.ActionName) {
	med := m.Case.Mediation
	d.title(d.t("print.dossier.end"))
	d.row(d.t("print.dossier.outcome"), d.para(d.t("outcome."+string(med.Outcome))), 0)
	if x, _ := d.s.latest(act); x != nil {
		d.row(d.t("print.dossier.ended"), d.para(d.t("print.dossier.ended.by", d.datetime(x.At), dash(x.ActorName))), 0)
	}
	d.row(d.t("print.dossier.reason"), d.para(m.shown(d, m.Record.EndReason)), 3*lineH)
	route := "—"
	if med.Referral != "" {
		route = d.t("print.dossier.route", d.t("referral."+string(med.Referral)))
	}
	d.row(d.t("print.dossier.referral"), d.para(route), 0)
}

// confirmation draws judicial confirmation (司法确认, art. 33): the window,
// and what was recorded in it.
func (d *doc) confirmation(m *MediationSheet, a *pingan.Agreement) {
	med := m.Case.Mediation
	d.title(d.t("print.dossier.confirmation"))
	d.row(d.t("print.dossier.agreed"), d.para(d.day(a.SignedOn)), 0)
	d.row(d.t("print.dossier.confirm_by"), d.para(d.day(confirmBy(m.Case, a))), 0)
	state := d.t("print.dossier.confirm.none")
	if med.Confirmation != "" {
		state = d.t("confirmation." + string(med.Confirmation))
	}
	var lines []string
	lines = append(lines, d.para(state)...)
	for _, x := range d.s.Timeline {
		if x.Action == pingan.ActConfirm {
			s := d.day(x.At) + "　" + dash(x.ActorName)
			if x.Note != "" {
				s += "：" + x.Note
			}
			lines = append(lines, d.para(s)...)
		}
	}
	d.row(d.t("print.dossier.confirm.state"), lines, 0)
}

// performance draws how each term of the agreement was performed.
func (d *doc) performance(m *MediationSheet, a *pingan.Agreement) {
	d.heading(d.t("print.dossier.performance"))
	today := pingan.DayOf(d.s.PrintedAt)
	if d.s.PrintedAt.IsZero() {
		today = pingan.DayOf(time.Now())
	}
	done := 0
	for _, t := range a.Terms {
		var state string
		switch {
		case t.PerformedOn != nil:
			done++
			state = d.t("print.dossier.performed", d.day(*t.PerformedOn))
		case pingan.DayOf(t.Due).Before(today):
			state = d.t("print.dossier.overdue")
		default:
			state = d.t("print.dossier.pending")
		}
		if t.Note != "" {
			state += "（" + t.Note + "）"
		}
		d.row(d.t("print.dossier.term", d.ordinal(t.No)), d.para(m.shown(d, t.Text),
			d.t("print.agreement.term.detail", m.shown(d, t.By), dash(t.How), d.day(t.Due)),
			d.t("print.dossier.performance.state", state)), 0)
	}
	d.pdf.SetY(d.pdf.GetY() + 1)
	d.note(d.t("print.dossier.performance.count", len(a.Terms), done))
}

// revisits draws the follow-up visits (回访, art. 31).
func (d *doc) revisits(m *MediationSheet) {
	d.heading(d.t("print.dossier.revisits"))
	if len(m.Record.Revisits) == 0 {
		s := d.t("print.dossier.revisit.none")
		if med := m.Case.Mediation; med.RevisitBy != nil {
			s += d.t("print.dossier.revisit.due", d.day(*med.RevisitBy))
		}
		d.row(d.t("print.dossier.revisit"), d.para(s), 0)
		return
	}
	for i, r := range m.Record.Revisits {
		d.row(d.t("print.dossier.revisit.nth", d.ordinal(i+1)), d.para(
			d.t("print.dossier.revisit.on", d.day(r.On), d.t("revisit.result."+string(r.Result))),
			dash(r.Note)), 0)
	}
}

// closingNote draws the closing note of the file (卷内备考表): the pages
// it holds and the lines for who bound and who checked it.
func (d *doc) closingNote(m *MediationSheet) {
	d.title(d.t("print.dossier.closing"))
	d.row(d.t("print.dossier.closing.pages"), d.para(d.t("print.dossier.closing.count", "{nb}")), 0)
	d.row(d.t("print.dossier.closing.note"), d.para(d.t("print.dossier.closing.source")), 4*lineH)
	y := d.pdf.GetY() + 2*lineH
	d.signatures(y, d.t("print.dossier.sign.filer"), 45.0, d.t("print.sign.date"), 40.0)
	y += 2 * lineH
	d.signatures(y, d.t("print.dossier.sign.checker"), 45.0, d.t("print.sign.date"), 40.0)
	d.pdf.SetXY(margin, y+2*lineH)
}
