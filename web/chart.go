package web

import (
	"fmt"
	"html/template"
	"math"
	"strings"
)

// Charts are drawn on the server as inline SVG: no script, no library, and
// they print. Colours come from the stylesheet through classes.

type trendPoint struct {
	Label      string
	Received   int
	Resolution float64 // 0…1
	// NoRate: the month received nothing, so it has no resolution rate;
	// the line skips it rather than drop to 0 %.
	NoRate bool
	Href   string
}

func esc(s string) string { return template.HTMLEscapeString(s) }

// trendSVG draws the monthly trend: bars of cases received (left axis) and a
// line of the resolution rate (right axis, 0–100 %).
func trendSVG(pts []trendPoint, title, receivedLabel, rateLabel string) template.HTML {
	const w, h, left, right, top, bottom = 720.0, 260.0, 44.0, 44.0, 16.0, 36.0
	maxN := 1
	for _, p := range pts {
		maxN = max(maxN, p.Received)
	}
	maxN = niceCeil(maxN)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %g %g" role="img" aria-label="%s" xmlns="http://www.w3.org/2000/svg"><title>%s</title>`,
		w, h, esc(title), esc(title))
	plotW, plotH := w-left-right, h-top-bottom
	for i := 0; i <= 4; i++ {
		y := top + plotH*float64(i)/4
		fmt.Fprintf(&b, `<line class="grid" x1="%g" y1="%.1f" x2="%g" y2="%.1f"/>`, left, y, w-right, y)
		fmt.Fprintf(&b, `<text class="axis" x="%g" y="%.1f" text-anchor="end">%d</text>`, left-6, y+4, maxN*(4-i)/4)
		fmt.Fprintf(&b, `<text class="axis" x="%g" y="%.1f">%d%%</text>`, w-right+6, y+4, 100*(4-i)/4)
	}
	n := len(pts)
	if n == 0 {
		b.WriteString(`</svg>`)
		return template.HTML(b.String())
	}
	slot := plotW / float64(n)
	var line []string // each point's position, "" where it has no rate
	var segments [][]string
	var seg []string
	for i, p := range pts {
		x := left + slot*float64(i)
		bh := plotH * float64(p.Received) / float64(maxN)
		bar := fmt.Sprintf(`<rect class="bar" x="%.1f" y="%.1f" width="%.1f" height="%.1f"><title>%s %s: %d</title></rect>`,
			x+slot*0.2, top+plotH-bh, slot*0.6, bh, esc(p.Label), esc(receivedLabel), p.Received)
		if p.Href != "" {
			bar = `<a href="` + esc(p.Href) + `">` + bar + `</a>`
		}
		b.WriteString(bar)
		if p.Received > 0 {
			fmt.Fprintf(&b, `<text class="value" x="%.1f" y="%.1f" text-anchor="middle">%d</text>`, x+slot/2, top+plotH-bh-4, p.Received)
		}
		fmt.Fprintf(&b, `<text class="axis" x="%.1f" y="%g" text-anchor="middle">%s</text>`, x+slot/2, h-bottom+16, esc(p.Label))
		if p.NoRate {
			line = append(line, "")
			if len(seg) > 0 {
				segments, seg = append(segments, seg), nil
			}
			continue
		}
		pt := fmt.Sprintf("%.1f,%.1f", x+slot/2, top+plotH*(1-p.Resolution))
		line, seg = append(line, pt), append(seg, pt)
	}
	if len(seg) > 0 {
		segments = append(segments, seg)
	}
	for _, sg := range segments {
		fmt.Fprintf(&b, `<polyline class="line" points="%s"/>`, strings.Join(sg, " "))
	}
	for i, p := range pts {
		if line[i] == "" {
			continue
		}
		xy := strings.Split(line[i], ",")
		fmt.Fprintf(&b, `<circle class="dot" cx="%s" cy="%s" r="3"><title>%s %s: %.1f%%</title></circle>`, xy[0], xy[1], esc(p.Label), esc(rateLabel), p.Resolution*100)
	}
	// Legend.
	fmt.Fprintf(&b, `<rect class="bar" x="%g" y="%g" width="12" height="10"/><text class="axis" x="%g" y="%g">%s</text>`,
		left, h-12, left+16, h-3, esc(receivedLabel))
	fmt.Fprintf(&b, `<line class="line" x1="%g" y1="%g" x2="%g" y2="%g"/><text class="axis" x="%g" y="%g">%s</text>`,
		left+140, h-7, left+160, h-7, left+166, h-3, esc(rateLabel))
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// niceCeil rounds n up to 1, 2 or 5 times a power of ten, at least 4.
func niceCeil(n int) int {
	if n <= 4 {
		return 4
	}
	p := math.Pow(10, math.Floor(math.Log10(float64(n))))
	for _, m := range []float64{1, 2, 4, 5, 10} {
		if float64(n) <= m*p {
			return int(m * p)
		}
	}
	return int(10 * p)
}

type barItem struct {
	Label string
	N     int
	Href  string
}

// barsSVG draws horizontal bars with their labels and counts.
func barsSVG(items []barItem, title string) template.HTML {
	const w, rowH, labelW = 480.0, 28.0, 110.0
	h := rowH*float64(len(items)) + 8
	maxN := 1
	for _, it := range items {
		maxN = max(maxN, it.N)
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %g %g" role="img" aria-label="%s" xmlns="http://www.w3.org/2000/svg"><title>%s</title>`,
		w, h, esc(title), esc(title))
	for i, it := range items {
		y := 4 + rowH*float64(i)
		bw := (w - labelW - 60) * float64(it.N) / float64(maxN)
		fmt.Fprintf(&b, `<text class="axis" x="%g" y="%.1f" text-anchor="end">%s</text>`, labelW-8, y+18, esc(it.Label))
		bar := fmt.Sprintf(`<rect class="bar" x="%g" y="%.1f" width="%.1f" height="%g"><title>%s: %d</title></rect>`,
			labelW, y+4, math.Max(bw, 1), rowH-10, esc(it.Label), it.N)
		if it.Href != "" {
			bar = `<a href="` + esc(it.Href) + `">` + bar + `</a>`
		}
		b.WriteString(bar)
		fmt.Fprintf(&b, `<text class="value" x="%.1f" y="%.1f">%d</text>`, labelW+math.Max(bw, 1)+6, y+18, it.N)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
