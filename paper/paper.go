// Package paper prints a case on paper, as PDF: the assignment order
// (交办单) that goes with a dispatched case to the unit that must act, the
// supervision order (督办单) of a higher unit, and the case summary (案件摘要)
// with its timeline. Each page carries the case number as a QR code, so a
// sheet on a desk leads back to its case.
//
// The domain goes in (a Sheet: the case, its timeline, the names of its
// units), PDF bytes come out; the package reads nothing else. A printed page
// leaves the system, so the summary shows personal data masked whatever the
// reader may see on screen, and the orders show none.
//
// Chinese needs a font with its glyphs: a plain TrueType file (.ttf), named
// by the operator or found where Debian installs one (FontPaths; the package
// fonts-droid-fallback gives DroidSansFallbackFull.ttf). Without it New
// answers an error that says what to install.
package paper

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"
	"github.com/pingan-gov/pingan"
)

// FontPaths are where Debian puts plain TrueType fonts with Chinese
// glyphs, tried in order when no font is named: fonts-droid-fallback
// first, then the Arphic fonts (fonts-arphic-gbsn00lp, fonts-arphic-gkai00mp).
// Font collections (.ttc) and OpenType fonts with CFF outlines (most Noto
// CJK files) cannot be embedded and are not searched.
var FontPaths = []string{
	"/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
	"/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf",
	"/usr/share/fonts/truetype/arphic-gkai00mp/gkai00mp.ttf",
}

// LatinFontPaths are fonts for the characters the Chinese font lacks —
// Droid Sans Fallback has no digits nor Latin letters: DejaVu Sans
// (fonts-dejavu-core, which fontconfig brings along) or Liberation Sans
// (fonts-liberation), the first that exists.
var LatinFontPaths = []string{
	"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
	"/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
	"/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf",
}

// FontPackage and LatinFontPackage are the Debian packages that install
// the first of FontPaths and of LatinFontPaths.
const (
	FontPackage      = "fonts-droid-fallback"
	LatinFontPackage = "fonts-dejavu-core"
)

// needed are the characters every printed page has: the case number's,
// the Latin letters of English pages and the words of the titles.
const needed = "0123456789-:/()ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz事件交办督单案摘要编号日期年月"

// Printer prints the documents of a case with its fonts: each character
// with the first that has it.
type Printer struct {
	faces []*face
	// missing, when set, is told each character no font has (the tests).
	missing func(rune)
}

// New answers a printer with the TrueType font at path, or with the first
// of FontPaths that exists when path is empty, and the first of
// LatinFontPaths for the characters it lacks. The error, an EINTERNAL
// pingan.Error, names the file and what to do: the font missing,
// unreadable, not a single TrueType font, or without the digits and
// letters of a case number and no Latin font beside it.
func New(path string) (*Printer, error) {
	path = strings.TrimSpace(path)
	if path == "" {
		path = firstFile(FontPaths)
		if path == "" {
			return nil, pingan.E(pingan.EINTERNAL, "print.font.none", strings.Join(FontPaths, ", "), FontPackage)
		}
	}
	main, err := readFace("f0", path)
	if err != nil {
		return nil, err
	}
	p := &Printer{faces: []*face{main}}
	if latin := firstFile(LatinFontPaths); latin != "" && latin != path {
		if f, err := readFace("f1", latin); err == nil {
			p.faces = append(p.faces, f)
		}
	}
	var lacking []rune
	for _, r := range needed {
		if p.faceOf(r) == nil {
			lacking = append(lacking, r)
		}
	}
	if len(lacking) > 0 {
		pkg := LatinFontPackage
		if slices.ContainsFunc(lacking, wide) {
			pkg = FontPackage
		}
		return nil, pingan.E(pingan.EINTERNAL, "print.font.lacks", path, string(lacking), pkg)
	}
	return p, nil
}

// firstFile answers the first of paths that exists, or "".
func firstFile(paths []string) string {
	for _, p := range paths {
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p
		}
	}
	return ""
}

// readFace reads the TrueType font at path.
func readFace(name, path string) (*face, error) {
	b, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, pingan.E(pingan.EINTERNAL, "print.font.missing", path, FontPackage)
	case err != nil:
		return nil, pingan.E(pingan.EINTERNAL, "print.font.unreadable", path, err.Error())
	}
	if len(b) < 12 || !(bytes.HasPrefix(b, []byte{0, 1, 0, 0}) || bytes.HasPrefix(b, []byte("true"))) {
		return nil, pingan.E(pingan.EINTERNAL, "print.font.notttf", path)
	}
	c, err := readCmap(b)
	if err != nil {
		return nil, pingan.E(pingan.EINTERNAL, "print.font.unreadable", path, err.Error())
	}
	return &face{name: name, path: path, data: b, cmap: c}, nil
}

// faceOf answers the first face that has r, or nil.
func (p *Printer) faceOf(r rune) *face {
	for _, f := range p.faces {
		if f.cmap.has(r) {
			return f
		}
	}
	return nil
}

// Sheet is what a printed page says about a case.
type Sheet struct {
	// Case as its reader sees it; the summary masks its personal data again.
	Case *pingan.Case
	// Timeline is every action of the case, oldest first.
	Timeline []*pingan.Action
	// Category is the case's category with its deadline policy; nil when unknown.
	Category *pingan.Category
	// Units names units by code; a code without a name prints as itself.
	Units map[string]string
	// ActorUnits are the units (codes) of the people in the timeline, by
	// user id, where they are known: they name the unit that supervised.
	ActorUnits map[int64]string
	// Lang is the language the page is printed in.
	Lang pingan.Lang
	// PrintedBy and PrintedAt go in the footer of every page.
	PrintedBy string
	PrintedAt time.Time
}

// unit answers the name of the unit with code.
func (s *Sheet) unit(code string) string {
	if n := s.Units[code]; n != "" {
		return n
	}
	return code
}

// latest answers the last action of the timeline named a, and how many
// there are.
func (s *Sheet) latest(a pingan.ActionName) (*pingan.Action, int) {
	var last *pingan.Action
	n := 0
	for _, x := range s.Timeline {
		if x.Action == a {
			last, n = x, n+1
		}
	}
	return last, n
}

// Page geometry, in millimetres: A4 portrait.
const (
	pageW    = 210.0
	pageH    = 297.0
	margin   = 20.0
	contentW = pageW - 2*margin
	bottom   = pageH - 22 // the footer lies below
	lineH    = 6.5        // of body text at bodySize
	bodySize = 11.5       // points
	pad      = 2.0        // inside a cell
	labelW   = 30.0       // the label column of a form
	qrSize   = 26.0       // the QR code's side, without its quiet zone
	qrX      = pageW - margin - qrSize
	qrY      = 12.0
	qrQuiet  = 4.5 // white around the code: four modules and more
)

// doc is one document being drawn.
type doc struct {
	pdf    *fpdf.Fpdf
	p      *Printer
	s      *Sheet
	size   float64 // of the font, in points
	widths map[widthKey]float64
}

type widthKey struct {
	r    rune
	size float64
}

// font sets the size of the text drawn next.
func (d *doc) font(size float64) {
	d.size = size
	d.pdf.SetFont(d.p.faces[0].name, "", size)
}

// run is a piece of text drawn with one face.
type run struct {
	f *face
	s string
}

// runs cuts s into pieces each drawn with the first face that has its
// characters; a character no face has goes with the first face (and shows
// as the font's blank box).
func (d *doc) runs(s string) []run {
	var out []run
	var cur *face
	start := 0
	for i, r := range s {
		f := d.p.faceOf(r)
		if f == nil {
			if d.p.missing != nil {
				d.p.missing(r)
			}
			f = d.p.faces[0]
		}
		if r == ' ' && cur != nil {
			f = cur // a space stays with the text around it
		}
		if f != cur {
			if cur != nil && i > start {
				out = append(out, run{cur, s[start:i]})
			}
			cur, start = f, i
		}
	}
	if cur != nil && start < len(s) {
		out = append(out, run{cur, s[start:]})
	}
	return out
}

// width answers the width of s in the current size, in millimetres.
func (d *doc) width(s string) float64 {
	w := 0.0
	for _, r := range s {
		k := widthKey{r, d.size}
		cw, ok := d.widths[k]
		if !ok {
			f := d.p.faceOf(r)
			if f == nil {
				f = d.p.faces[0]
			}
			d.pdf.SetFont(f.name, "", d.size)
			cw = d.pdf.GetStringWidth(string(r))
			d.widths[k] = cw
		}
		w += cw
	}
	d.pdf.SetFont(d.p.faces[0].name, "", d.size)
	return w
}

// text draws s in a box w wide and h high at the current position,
// aligned left (L), centred (C) or right (R) and centred from top to
// bottom, and moves the position to the right of the box.
func (d *doc) text(w, h float64, s, align string) {
	p := d.pdf
	x, y := p.GetXY()
	tx := x
	switch align {
	case "C":
		tx = x + (w-d.width(s))/2
	case "R":
		tx = x + w - d.width(s)
	}
	for _, r := range d.runs(s) {
		p.SetFont(r.f.name, "", d.size)
		rw := p.GetStringWidth(r.s)
		p.SetXY(tx, y)
		p.CellFormat(rw, h, r.s, "", 0, "L", false, 0, "")
		tx += rw
	}
	p.SetFont(d.p.faces[0].name, "", d.size)
	p.SetXY(x+w, y)
}

// t answers the message with key in the sheet's language.
func (d *doc) t(key string, args ...any) string { return pingan.Text(d.s.Lang, key, args...) }

// render draws a document with draw and answers its bytes. A fault of the
// PDF library (a font it cannot read) is an error, not a crash.
func (p *Printer) render(s *Sheet, title string, draw func(d *doc)) ([]byte, error) {
	if s == nil || s.Case == nil {
		return nil, pingan.E(pingan.EINTERNAL, "print.nocase")
	}
	if s.Lang == "" {
		s.Lang = pingan.ZH
	}
	return p.output(s, margin, s.PrintedAt, title+" "+s.Case.Number, func(d *doc) {
		d.pdf.SetFooterFunc(d.footer)
		d.pdf.AddPage()
		draw(d)
	})
}

// output starts an A4 document in the printer's fonts, its top margin top,
// made at at (now when zero) and titled title, lets draw add its pages and
// answers its bytes. A fault of the PDF library (a font it cannot read) is
// an error, not a crash.
func (p *Printer) output(s *Sheet, top float64, at time.Time, title string, draw func(d *doc)) (out []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, pingan.E(pingan.EINTERNAL, "print.failed", p.faces[0].path, fmt.Sprint(r))
		}
	}()
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetMargins(margin, top, margin)
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetCellMargin(0)
	for _, f := range p.faces {
		pdf.AddUTF8FontFromBytes(f.name, "", f.data)
		if err := pdf.Error(); err != nil {
			return nil, pingan.E(pingan.EINTERNAL, "print.failed", f.path, err.Error())
		}
	}
	if at.IsZero() {
		at = time.Now()
	}
	pdf.SetCreationDate(at)
	pdf.SetModificationDate(at)
	pdf.SetCatalogSort(true)
	pdf.SetTitle(title, true)
	pdf.SetCreator("pingan", true)
	pdf.AliasNbPages("{nb}")
	draw(&doc{pdf: pdf, p: p, s: s, widths: map[widthKey]float64{}})
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, pingan.E(pingan.EINTERNAL, "print.failed", p.faces[0].path, err.Error())
	}
	return buf.Bytes(), nil
}

// footer prints who printed the page and when, and the page number.
func (d *doc) footer() {
	at := d.s.PrintedAt
	if at.IsZero() {
		at = time.Now()
	}
	d.footerWith(d.t("print.footer", d.s.PrintedBy, d.datetime(at)))
}

// footerWith prints s at the left of the page's foot and the page number
// at its right, small and grey, leaving the font and the place as they
// were.
func (d *doc) footerWith(s string) {
	p := d.pdf
	x, y, size := p.GetX(), p.GetY(), d.size
	defer func() {
		if size > 0 {
			d.font(size)
		}
		p.SetXY(x, y)
	}()
	d.font(8.5)
	p.SetTextColor(110, 110, 110)
	p.SetXY(margin, pageH-15)
	d.text(contentW/2, 5, s, "L")
	// The count of pages is written when the last is done: the text is
	// placed as wide as it will be then, about.
	num := d.t("print.page", p.PageNo(), "{nb}")
	w := d.width(strings.Replace(num, "{nb}", strconv.Itoa(p.PageNo()), 1))
	p.SetX(pageW - margin - w)
	d.text(w, 5, num, "L")
	p.SetTextColor(0, 0, 0)
}

// datetime and day answer a time in China Standard Time in words.
func (d *doc) datetime(t time.Time) string {
	t = t.In(pingan.CST)
	return d.t("print.datetime", t.Year(), int(t.Month()), t.Day(), t.Hour(), t.Minute())
}

func (d *doc) day(t time.Time) string {
	t = t.In(pingan.CST)
	return d.t("print.day", t.Year(), int(t.Month()), t.Day())
}

// period answers a deadline policy's period in words ("2 个工作日").
func (d *doc) period(p pingan.Period) string {
	switch p.Unit {
	case "hours", "working", "calendar":
		return d.t("print.period."+p.Unit, p.N)
	}
	return fmt.Sprint(p.N, " ", p.Unit)
}

// head draws the top of an order or summary: the issuing unit, the title
// in red, the QR code of the case number at the right, the number and the
// date under a red rule.
func (d *doc) head(issuer, title, date string) {
	p := d.pdf
	if issuer != "" {
		d.font(12)
		p.SetXY(margin, 16)
		d.text(contentW, 6, issuer, "C")
	}
	d.font(22)
	p.SetTextColor(190, 20, 20)
	p.SetXY(margin, 24)
	d.text(contentW, 11, title, "C")
	p.SetTextColor(0, 0, 0)
	d.qr(d.s.Case.Number, qrX, qrY, qrSize)
	d.font(7)
	p.SetXY(qrX-4, qrY+qrSize+qrQuiet)
	d.text(qrSize+8, 3.5, d.t("print.qr"), "C")

	d.font(bodySize)
	y := qrY + qrSize + qrQuiet + 4
	p.SetXY(margin, y)
	d.text(contentW/2, lineH, d.t("print.number", d.s.Case.Number), "L")
	if date != "" {
		d.text(contentW/2, lineH, date, "R")
	}
	y += lineH + 1
	d.redRule(y)
	p.SetY(y + 4)
}

// redRule draws the red rule under a document's head (红线) across the
// page at y.
func (d *doc) redRule(y float64) {
	p := d.pdf
	p.SetDrawColor(190, 20, 20)
	p.SetLineWidth(0.6)
	p.Line(margin, y, pageW-margin, y)
	p.SetDrawColor(0, 0, 0)
	p.SetLineWidth(0.2)
}

// row draws one row of a form: the label in a shaded cell at the left, the
// lines at the right, the row at least minH high. A row longer than the
// page goes on over the next one.
func (d *doc) row(label string, lines []string, minH float64) {
	p := d.pdf
	d.font(bodySize)
	labels := d.wrap(label, labelW-2*pad)
	need := max(float64(max(len(lines), len(labels)))*lineH+2*pad, minH)
	y := p.GetY()
	if y+min(need, 2*pad+3*lineH) > bottom {
		p.AddPage()
		y = margin
	}
	top, first := y, true
	box := func(end float64) {
		p.SetFillColor(240, 240, 240)
		p.Rect(margin, top, labelW, end-top, "FD")
		p.Rect(margin+labelW, top, contentW-labelW, end-top, "D")
		if first {
			for j, l := range labels {
				p.SetXY(margin+pad, top+pad+float64(j)*lineH)
				d.text(labelW-2*pad, lineH, l, "C")
			}
		}
		first = false
	}
	y += pad
	for _, l := range lines {
		if y+lineH+pad > bottom {
			box(y + pad)
			p.AddPage()
			top, y = margin, margin+pad
		}
		p.SetXY(margin+labelW+pad, y)
		d.text(contentW-labelW-2*pad, lineH, l, "L")
		y += lineH
	}
	end := y + pad
	if first {
		end = max(end, top+need)
	}
	box(end)
	p.SetXY(margin, end)
}

// para wraps each text to the value column of a form.
func (d *doc) para(texts ...string) []string {
	d.font(bodySize)
	var out []string
	for _, s := range texts {
		out = append(out, d.wrap(s, contentW-labelW-2*pad)...)
	}
	return out
}

// signatures draws lines to sign on: each pair is a label and the width
// of its line, all on one line of the page.
func (d *doc) signatures(y float64, pairs ...any) {
	p := d.pdf
	d.font(bodySize)
	x := margin
	for i := 0; i+1 < len(pairs); i += 2 {
		label, w := pairs[i].(string), pairs[i+1].(float64)
		lw := d.width(label) + 1
		p.SetXY(x, y)
		d.text(lw, lineH, label, "L")
		p.Line(x+lw, y+lineH-0.8, x+lw+w, y+lineH-0.8)
		x += lw + w + 6
	}
}

// ensure starts a new page unless h millimetres fit below the cursor.
func (d *doc) ensure(h float64) {
	if d.pdf.GetY()+h > bottom {
		d.pdf.AddPage()
		d.pdf.SetY(margin)
	}
}

// dash answers s, or a dash for nothing.
func dash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}
