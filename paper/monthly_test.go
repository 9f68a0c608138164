package paper

import (
	"bytes"
	"fmt"
	"image/color"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
)

// TestMonthly prints a report of several pages and reads it back: the
// title, the header with the unit and month and the footer with the page
// and the count of pages on every page, the paragraphs, the chart's
// labels, and a table longer than a page whose header is drawn again on
// the next page, its rows all there in order; the chart's bars are drawn
// in their colour.
func TestMonthly(t *testing.T) {
	p := need(t)
	p.missing = func(r rune) { t.Errorf("no glyph for %q", r) }
	var labels []string
	var reported, resolved []float64
	for i := range 12 {
		labels = append(labels, fmt.Sprintf("26-%02d", i+1))
		reported = append(reported, float64(100+i*37%90))
		resolved = append(resolved, float64(90+i*29%80))
	}
	rows := make([][]string, 80)
	for i := range rows {
		rows[i] = []string{fmt.Sprintf("2026-620902-%06d", i+1), "富康路12号楼上漏水致楼下住户天花板受损，双方协商未果", "富康社区", fmt.Sprint(i % 9)}
	}
	m := &MonthlyDoc{Lang: pingan.ZH, Title: "肃州区平安报表（2026年10月）", Subtitle: "生成时间：2026年11月2日 08:00",
		Header: "肃州区 · 2026年10月 · 平安报表", Footer: "生成于 2026年11月2日 08:00", At: time.Date(2026, 11, 2, 8, 0, 0, 0, pingan.CST),
		Blocks: []Block{
			{Heading: "综述", Paras: []string{"本月共受理各类事项1,234件，同比下降5.2%，环比上升3.1%；按期结案率98.6%。"}},
			{Heading: "近12个月趋势", Chart: &Chart{Title: "近12个月受理与办结（件）", Labels: labels,
				Series: []Series{{Name: "受理", Values: reported}, {Name: "办结", Values: resolved}}}},
			{Heading: "平安稳定问题清单", Table: &Table{Header: []string{"编号", "标题", "单位", "超期天数"}, Rows: rows,
				Widths: []float64{1.9, 3, 2, 0.9}, Align: []string{"L", "L", "L", "R"}}, Note: "另有12件未列出"},
		}}
	pdf, err := p.Monthly(m)
	if err != nil {
		t.Fatal(err)
	}
	kept(t, "monthly", pdf)
	pages := pageTexts(t, pdf)
	if len(pages) < 3 {
		t.Fatalf("%d pages, want the table to go on over at least 3", len(pages))
	}
	for i, pg := range pages {
		for _, want := range []string{"肃州区·2026年10月·平安报表", fmt.Sprintf("页码：%d/%d", i+1, len(pages))} {
			if !strings.Contains(pg, want) {
				t.Errorf("page %d lacks %q", i+1, want)
			}
		}
		if i > 0 && !(strings.Contains(pg, "编号") && strings.Contains(pg, "超期天数")) {
			t.Errorf("page %d: the table's header is not drawn again", i+1)
		}
	}
	all := strings.Join(pages, "")
	last := 0
	for _, want := range append([]string{m.Title, "综述", "本月共受理各类事项1,234件，同比下降5.2%，环比上升3.1%；按期结案率98.6%。",
		"近12个月受理与办结（件）", "26-01", "26-12", "平安稳定问题清单"}, "2026-620902-000001", "2026-620902-000080", "另有12件未列出") {
		i := strings.Index(all[last:], want)
		if i < 0 {
			t.Fatalf("%q missing, or out of order, in %s", want, all)
		}
		last += i
	}
	for i := range rows {
		if n := strings.Count(all, rows[i][0]); n != 1 {
			t.Errorf("row %d printed %d times", i+1, n)
		}
	}
	// The bars: pixels of the first series' colour on the first page.
	img := page(t, pdf, 50)
	bar := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
			if near(c, seriesColors[0]) {
				bar++
			}
		}
	}
	if bar < 500 {
		t.Errorf("%d pixels of the bars' colour, want the bars drawn", bar)
	}
}

// near reports whether c is about the colour rgb.
func near(c color.NRGBA, rgb [3]int) bool {
	d := func(a uint8, b int) int { return max(int(a)-b, b-int(a)) }
	return d(c.R, rgb[0]) < 12 && d(c.G, rgb[1]) < 12 && d(c.B, rgb[2]) < 12
}

// pageTexts answers the text of each page of a PDF, without the spaces
// and line breaks of its layout.
func pageTexts(t *testing.T, pdf []byte) []string {
	t.Helper()
	cmd := exec.Command(tool(t, "pdftotext"), "-enc", "UTF-8", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	pages := strings.Split(strings.TrimRight(string(out), "\f\n"), "\f")
	for i := range pages {
		pages[i] = regexp.MustCompile(`\s+`).ReplaceAllString(pages[i], "")
	}
	return pages
}
