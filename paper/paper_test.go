package paper

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	qrcode "github.com/yeqown/go-qrcode/v2"
)

// keep writes the rendered documents and page images to this directory,
// to look at them.
var keep = flag.String("keep", "", "write the printed PDFs and their first pages as PNG to this directory")

// need answers the printer, or skips the test when the font is not
// installed; on CI (CI=true) a missing font fails it.
func need(t *testing.T) *Printer {
	t.Helper()
	p, err := New(os.Getenv("PINGAN_FONT"))
	if err != nil {
		absent(t, "the font to print with: "+err.Error())
	}
	return p
}

// absent skips the test for what is missing, or fails it on CI.
func absent(t *testing.T, what string) {
	t.Helper()
	msg := "missing " + what + " (Debian: apt-get install " + FontPackage + " poppler-utils)"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// tool answers the path of a poppler program, or skips (fails on CI).
func tool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		absent(t, name)
	}
	return p
}

var (
	t0     = time.Date(2026, 3, 2, 9, 30, 0, 0, pingan.CST)
	signBy = time.Date(2026, 3, 3, 18, 0, 0, 0, pingan.CST)
	dueBy  = time.Date(2026, 3, 16, 18, 0, 0, 0, pingan.CST)
	supBy  = time.Date(2026, 3, 10, 18, 0, 0, 0, pingan.CST)
)

// fixture answers a case of the fixture city reported, accepted,
// dispatched to 富康社区, signed and supervised by the county's leader, with
// its people whole as a dispatcher reads them.
func fixture() *Sheet {
	at := func(h int) time.Time { return t0.Add(time.Duration(h) * time.Hour) }
	c := &pingan.Case{
		ID: "2026-620902-000123", Number: "2026-620902-000123", Region: "620902", Kind: pingan.KindDispute, Category: "0102",
		Title:       "富康路12号楼上漏水致楼下住户天花板受损",
		Description: "楼上住户卫生间防水层老化，持续渗水到楼下，楼下住户天花板霉变、墙皮脱落，双方就维修费用协商未果，情绪激动，需要社区尽快组织调解，并请物业查明漏水原因。",
		Address:     "酒泉市肃州区富康路 12 号 3 单元 502 室", Grid: "620902001001-03",
		Unit: "620902001001", HoldingUnit: "620902-zz", AssignedUnit: "620902001001", Status: pingan.StatusInProgress,
		Source: pingan.SourceGridWorker, ReportedAt: t0, SignBy: &signBy, ResolveBy: &dueBy, Supervised: true,
		Reporter: &pingan.Person{Role: "reporter", Name: "张三丰", Phone: "13812345678", IDNumber: "620902198807150021"},
		Parties:  []pingan.Person{{Role: "被申请人", Name: "李四", Phone: "13911110001"}},
	}
	return &Sheet{
		Case:     c,
		Category: &pingan.Category{Code: "0102", Kind: pingan.KindDispute, Name: "邻里纠纷", Policy: pingan.Policy{Sign: pingan.Period{N: 1, Unit: "working"}, Resolve: pingan.Period{N: 10, Unit: "working"}}},
		Timeline: []*pingan.Action{
			{Seq: 1, Action: pingan.ActReport, ActorID: 7, ActorName: "富康社区网格员", At: t0, ToStatus: pingan.StatusReported, ToUnit: "620902001001", Attachments: []string{"sha256:00"}},
			{Seq: 2, Action: pingan.ActAccept, ActorID: 3, ActorName: "肃州区派遣员", At: at(1), FromStatus: pingan.StatusReported, ToStatus: pingan.StatusAccepted},
			{Seq: 3, Action: pingan.ActDispatch, ActorID: 3, ActorName: "肃州区派遣员", At: at(2), FromStatus: pingan.StatusAccepted, ToStatus: pingan.StatusDispatched,
				ToUnit: "620902001001", Note: "请社区会同物业于两日内上门查看，组织双方调解，结果报区综治中心。", Deadline: &signBy},
			{Seq: 4, Action: pingan.ActSign, ActorID: 9, ActorName: "富康社区处置员", At: at(4), FromStatus: pingan.StatusDispatched, ToStatus: pingan.StatusInProgress},
			{Seq: 5, Action: pingan.ActSupervise, ActorID: 5, ActorName: "肃州区领导", At: at(24), FromStatus: pingan.StatusInProgress, ToStatus: pingan.StatusInProgress,
				Note: "群众反映强烈，务必限期化解，防止矛盾激化。", Deadline: &supBy},
		},
		Units:      map[string]string{"620902001001": "富康社区", "620902-zz": "肃州区综治中心", "620902": "肃州区"},
		ActorUnits: map[int64]string{5: "620902"},
		Lang:       pingan.ZH, PrintedBy: "肃州区派遣员", PrintedAt: at(30),
	}
}

// text answers the text of a PDF, as pdftotext reads it, with the spaces
// and line breaks of its layout removed.
func text(t *testing.T, pdf []byte) string {
	t.Helper()
	cmd := exec.Command(tool(t, "pdftotext"), "-enc", "UTF-8", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return regexp.MustCompile(`\s+`).ReplaceAllString(string(out), "")
}

// page renders page 1 of a PDF at dpi.
func page(t *testing.T, pdf []byte, dpi int) image.Image {
	t.Helper()
	dir := t.TempDir()
	in := filepath.Join(dir, "doc.pdf")
	if err := os.WriteFile(in, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(tool(t, "pdftoppm"), "-r", strconv.Itoa(dpi), "-f", "1", "-l", "1", "-png", "-singlefile", in, filepath.Join(dir, "page"))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v %s", err, out)
	}
	f, err := os.Open(filepath.Join(dir, "page.png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

type printed struct {
	name string
	make func(*Printer, *Sheet) ([]byte, error)
	want []string // what the page must say, spaces aside
}

var documents = []printed{
	{"assign", (*Printer).Assignment, []string{
		"事件交办单", "编号：2026-620902-000123", "肃州区综治中心", "日期：2026年3月2日",
		"承办单位", "富康社区", "事项", "事项名称：富康路12号楼上漏水致楼下住户天花板受损", "发生地点：酒泉市肃州区富康路12号3单元502室",
		"事件类别：矛盾纠纷/邻里纠纷",
		"时限", "签收：2026年3月3日18:00前（派遣后1个工作日内）", "办结：2026年3月16日18:00前（类别时限10个工作日）",
		"要求", "请社区会同物业于两日内上门查看，组织双方调解，结果报区综治中心。",
		"交办单位", "肃州区综治中心（交办人：肃州区派遣员）",
		"承办人签字：", "日期：", "（承办单位盖章）", "打印人：肃州区派遣员",
	}},
	{"supervise", (*Printer).Supervision, []string{
		"事件督办单", "编号：2026-620902-000123", "日期：2026年3月3日",
		"督办单位/人", "肃州区（督办人：肃州区领导）", "被督办单位", "富康社区",
		"事项名称：富康路12号楼上漏水致楼下住户天花板受损", "当前状态：处置中", "办结期限：2026年3月16日18:00",
		"督办时限", "请于2026年3月10日18:00前办结并报告办理情况", "第1次督办",
		"要求", "群众反映强烈，务必限期化解，防止矛盾激化。",
		"督办人签字：", "签收人签字：", "日期：", "（被督办单位盖章）",
	}},
	{"summary", (*Printer).Summary, []string{
		"案件摘要", "编号：2026-620902-000123", "状态", "处置中", "网格员上报", "邻里纠纷", "620902001001-03",
		"受理单位", "肃州区综治中心", "富康社区", "上报时间", "2026年3月2日09:30",
		"张**", "138****5678", "620902**********21", "李*", "139****0001", "本页所列个人信息均已脱敏",
		"办理过程", "派遣", "签收", "督办", "肃州区领导", "群众反映强烈", "期限：2026年3月10日18:00", "附件1个",
	}},
}

// TestDocuments prints each document of the fixture case and reads it
// back with pdftotext: the Chinese words, the number, the deadlines and the
// signature lines are on the page; the summary shows no personal data whole.
func TestDocuments(t *testing.T) {
	p := need(t)
	p.missing = func(r rune) { t.Errorf("no glyph for %q", r) }
	for _, doc := range documents {
		t.Run(doc.name, func(t *testing.T) {
			pdf, err := doc.make(p, fixture())
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
				t.Fatalf("not a PDF: %q", pdf[:min(20, len(pdf))])
			}
			got := text(t, pdf)
			for _, w := range doc.want {
				if !strings.Contains(got, strings.Join(strings.Fields(w), "")) {
					t.Errorf("%s lacks %q; it reads:\n%s", doc.name, w, got)
				}
			}
			for _, whole := range []string{"张三丰", "13812345678", "620902198807150021", "13911110001"} {
				if strings.Contains(got, whole) {
					t.Errorf("%s shows %q whole", doc.name, whole)
				}
			}
			if *keep != "" {
				os.WriteFile(filepath.Join(*keep, doc.name+".pdf"), pdf, 0o644)
				f, _ := os.Create(filepath.Join(*keep, doc.name+".png"))
				png.Encode(f, page(t, pdf, 100))
				f.Close()
			}
		})
	}
}

// modules is a qrcode.Writer keeping the modules of a code, for the test
// to compare with what the page shows.
type modules [][]bool

func (m *modules) Write(x qrcode.Matrix) error { *m = x.Bitmap(); return nil }
func (m *modules) Close() error                { return nil }

// TestQRCode renders the first page of each document and reads the QR code
// off the picture, module by module, where the page puts it: it is the
// code of the case number as the QR encoder makes it, with its quiet zone
// white. (No QR decoder in Go is at hand; the encoder is the library's.)
func TestQRCode(t *testing.T) {
	p := need(t)
	s := fixture()
	q, err := qrcode.New(s.Case.Number)
	if err != nil {
		t.Fatal(err)
	}
	var want modules
	if err := q.Save(&want); err != nil {
		t.Fatal(err)
	}
	n := len(want)
	if n < 21 {
		t.Fatalf("a QR code of %d modules", n)
	}
	const dpi = 300
	px := func(mm float64) int { return int(mm / 25.4 * dpi) }
	for _, doc := range documents {
		pdf, err := doc.make(p, fixture())
		if err != nil {
			t.Fatal(err)
		}
		img := page(t, pdf, dpi)
		dark := func(xmm, ymm float64) bool {
			r, g, b, _ := img.At(px(xmm), px(ymm)).RGBA()
			return (r+g+b)/3 < 0x8000
		}
		m := qrSize / float64(n)
		bad := 0
		for r := 0; r < n; r++ {
			for c := 0; c < n; c++ {
				if dark(qrX+(float64(c)+0.5)*m, qrY+(float64(r)+0.5)*m) != want[r][c] {
					bad++
				}
			}
		}
		if bad > 0 {
			t.Errorf("%s: %d of %d modules of the QR code differ from the code of %s", doc.name, bad, n*n, s.Case.Number)
		}
		// The quiet zone: four modules of white all around.
		for i := -4; i < n+4; i++ {
			for _, j := range []int{-4, -3, -2, -1, n, n + 1, n + 2, n + 3} {
				x, y := qrX+(float64(i)+0.5)*m, qrY+(float64(j)+0.5)*m
				if dark(x, y) || dark(qrX+(float64(j)+0.5)*m, qrY+(float64(i)+0.5)*m) {
					t.Errorf("%s: the quiet zone of the QR code is not white at module (%d, %d)", doc.name, i, j)
				}
			}
		}
	}
}

// TestFont: a font named that does not exist, or that is no TrueType
// font, is an error that says so and what to install, not a crash.
func TestFont(t *testing.T) {
	_, err := New(filepath.Join(t.TempDir(), "none.ttf"))
	var e *pingan.Error
	if !errors.As(err, &e) || e.Msg.Key != "print.font.missing" || !strings.Contains(err.Error(), FontPackage) ||
		!strings.Contains(err.Error(), "none.ttf") {
		t.Errorf("a missing font: %v", err)
	}
	ttc := filepath.Join(t.TempDir(), "fonts.ttc")
	os.WriteFile(ttc, []byte("ttcf\x00\x02\x00\x00\x00\x00\x00\x02"), 0o644)
	if _, err := New(ttc); !errors.As(err, &e) || e.Msg.Key != "print.font.notttf" {
		t.Errorf("a font collection: %v", err)
	}
	// A file that looks like TrueType but has no character map.
	broken := filepath.Join(t.TempDir(), "broken.ttf")
	os.WriteFile(broken, append([]byte{0, 1, 0, 0}, bytes.Repeat([]byte{7}, 64)...), 0o644)
	if _, err := New(broken); !errors.As(err, &e) || e.Msg.Key != "print.font.unreadable" {
		t.Errorf("a broken font: %v", err)
	}
	// A font whose tables but the character map point nowhere: printing
	// fails with an error, it does not panic.
	b, err := os.ReadFile(need(t).faces[0].path)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < int(b[4])<<8|int(b[5]); i++ {
		rec := b[12+16*i:]
		if string(rec[:4]) != "cmap" {
			copy(rec[8:12], []byte{0x7f, 0, 0, 0})
		}
	}
	os.WriteFile(broken, b, 0o644)
	p, err := New(broken)
	if err != nil {
		t.Fatalf("a font with its character map: %v", err)
	}
	if _, err := p.Assignment(fixture()); !errors.As(err, &e) || e.Msg.Key != "print.failed" {
		t.Errorf("a broken font: %v", err)
	}
}

// TestFontWithoutChinese: a Latin font named alone is refused with the
// Chinese font's package named.
func TestFontWithoutChinese(t *testing.T) {
	latin := firstFile(LatinFontPaths)
	if latin == "" {
		absent(t, "a Latin font ("+LatinFontPackage+")")
	}
	_, err := New(latin)
	var e *pingan.Error
	if !errors.As(err, &e) || e.Msg.Key != "print.font.lacks" || !strings.Contains(err.Error(), FontPackage) ||
		!strings.Contains(err.Error(), "交办") {
		t.Errorf("a font without Chinese: %v", err)
	}
}

// TestBlankForms: a case not dispatched and never supervised prints its
// orders with the unit, the deadlines and the requirements to fill in by
// hand, saying so; nothing of another order shows.
func TestBlankForms(t *testing.T) {
	p := need(t)
	s := fixture()
	s.Timeline = s.Timeline[:2]
	c := s.Case
	c.Status, c.AssignedUnit, c.SignBy, c.Supervised = pingan.StatusAccepted, "", nil, false
	pdf, err := p.Assignment(s)
	if err != nil {
		t.Fatal(err)
	}
	got := text(t, pdf)
	for _, w := range []string{"事件交办单", "承办单位", "时限", "本案尚未派遣：承办单位与时限由交办单位填写。", "承办人签字：", c.Number} {
		if !strings.Contains(got, w) {
			t.Errorf("the blank assignment order lacks %q:\n%s", w, got)
		}
	}
	if strings.Contains(got, "签收：") || strings.Contains(got, "交办人") {
		t.Errorf("the blank assignment order names a dispatch:\n%s", got)
	}
	pdf, err = p.Supervision(s)
	if err != nil {
		t.Fatal(err)
	}
	got = text(t, pdf)
	for _, w := range []string{"事件督办单", "督办单位/人", "被督办单位", "肃州区综治中心", "督办时限", "本案尚无督办记录", "督办人签字："} {
		if !strings.Contains(got, w) {
			t.Errorf("the blank supervision order lacks %q:\n%s", w, got)
		}
	}
	if strings.Contains(got, "肃州区领导") || strings.Contains(got, "次督办") {
		t.Errorf("the blank supervision order names a supervision:\n%s", got)
	}
}

// TestLongText: a description longer than a page runs on over the next
// pages without losing a character, Chinese and Latin words alike, and
// every character has a glyph in the printer's fonts.
func TestLongText(t *testing.T) {
	p := need(t)
	var missing []rune
	p.missing = func(r rune) { missing = append(missing, r) }
	s := fixture()
	var b strings.Builder
	for i := range 60 {
		fmt.Fprintf(&b, "第%d段：楼上住户卫生间防水层老化（持续渗水），Water leaks through the ceiling of flat 502, case %d; ", i, i)
	}
	b.WriteString("完。")
	s.Case.Description = b.String()
	for _, doc := range documents {
		pdf, err := doc.make(p, s)
		if err != nil {
			t.Fatal(err)
		}
		if *keep != "" {
			os.WriteFile(filepath.Join(*keep, doc.name+"-long.pdf"), pdf, 0o644)
		}
		// The footer of a page comes in the text where the page ends.
		got := regexp.MustCompile(`打印人：[^打]*打印时间：[0-9年月日:]+页码：\d/\d`).ReplaceAllString(text(t, pdf), "")
		if want := strings.Join(strings.Fields(s.Case.Description), ""); !strings.Contains(got, want) {
			t.Errorf("%s loses text of the long description:\n%s", doc.name, got)
		}
		if !strings.Contains(text(t, pdf), "页码：2/") {
			t.Errorf("%s: the long description takes one page", doc.name)
		}
	}
	if len(missing) > 0 {
		t.Errorf("characters without a glyph: %q", string(missing))
	}
}

// TestEnglish: a reader who reads English gets the page in English.
func TestEnglish(t *testing.T) {
	p := need(t)
	s := fixture()
	s.Lang = pingan.EN
	pdf, err := p.Assignment(s)
	if err != nil {
		t.Fatal(err)
	}
	got := text(t, pdf)
	for _, w := range []string{"Assignmentorder", "No.2026-620902-000123", "Assignedto", "富康社区", "Signby2026-03-0318:00(within1workingdays",
		"Handler'ssignature:"} {
		if !strings.Contains(got, w) {
			t.Errorf("the English order lacks %q:\n%s", w, got)
		}
	}
}

// BenchmarkAssignment: finding and reading the fonts, and printing one
// order (most of it is the PDF library reading the fonts again for each
// document).
func BenchmarkAssignment(b *testing.B) {
	if _, err := New(""); err != nil {
		b.Skip(err)
	}
	for b.Loop() {
		p, err := New("")
		if err != nil {
			b.Fatal(err)
		}
		if _, err := p.Assignment(fixture()); err != nil {
			b.Fatal(err)
		}
	}
}
