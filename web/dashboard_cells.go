package web

import (
	"html/template"
	"strconv"
	"strings"

	"github.com/pingan-gov/pingan"
)

// cell is a figure of a row of the dashboard's tables, put together before
// the page renders: the template ("cells", dashboard.html) writes its
// fields instead of calling back into the row for each label, count and
// rate — a city's dashboard has a thousand of them, and a call through
// the template costs many times what the figure does.
type cell struct {
	// Class and Label are the cell's class and data-label (the name of
	// its column, shown beside the figure on a narrow screen).
	Class, Label string
	// Text is the figure; Href the list of the cases it counts, if any.
	Text, Href string
	// None: a rate without a base, Why saying so.
	None bool
	Why  string
}

// cells are a row's cells, which write themselves (HTML).
type cells []cell

// HTML answers the cells as table cells, escaped as html/template escapes
// them — the same bytes the template wrote for them, without a call
// through the template for each of their fields (a city's year dashboard
// has 2,700 cells): each cell a <td> of its class and label holding its
// figure, a link to its cases when it has one, or its reason when a rate
// has no base.
func (cs cells) HTML() template.HTML {
	var b strings.Builder
	for _, c := range cs {
		b.WriteString(`<td class="`)
		htmlEscaper.WriteString(&b, c.Class)
		b.WriteString(`" data-label="`)
		htmlEscaper.WriteString(&b, c.Label)
		b.WriteString(`">`)
		switch {
		case c.Href != "":
			b.WriteString(`<a href="`)
			htmlEscaper.WriteString(&b, normalizeURL(c.Href))
			b.WriteString(`">`)
			htmlEscaper.WriteString(&b, c.Text)
			b.WriteString(`</a>`)
		case c.None:
			b.WriteString(`<span class="none" title="`)
			htmlEscaper.WriteString(&b, c.Why)
			b.WriteString(`">`)
			htmlEscaper.WriteString(&b, c.Text)
			b.WriteString(`</span>`)
		default:
			htmlEscaper.WriteString(&b, c.Text)
		}
		b.WriteString(`</td>`)
	}
	return template.HTML(b.String())
}

// htmlEscaper escapes text and quoted attribute values as html/template
// does.
var htmlEscaper = strings.NewReplacer("\x00", "\uFFFD", `"`, "&#34;", "&", "&amp;", "'", "&#39;", "+", "&#43;",
	"<", "&lt;", ">", "&gt;")

// normalizeURL answers u as html/template writes it in an href: a URL of
// a scheme other than http, https or mailto is refused ("#ZgotmplZ"), and
// the bytes its normalizer encodes are percent-encoded — all but letters,
// digits, RFC 3986's unreserved and reserved characters (single quotes and
// parentheses encoded too) and percent signs. The dashboard's links are
// paths and encoded query strings, which it leaves as they are.
func normalizeURL(u string) string {
	if i := strings.IndexAny(u, ":/?#"); i >= 0 && u[i] == ':' {
		if s := strings.ToLower(u[:i]); s != "http" && s != "https" && s != "mailto" {
			return "#ZgotmplZ"
		}
	}
	var b strings.Builder
	for i := 0; i < len(u); i++ {
		c := u[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			strings.IndexByte("!#$&*+,/:;=?@[]-._~%", c) >= 0 {
			if b.Len() > 0 {
				b.WriteByte(c)
			}
			continue
		}
		if b.Len() == 0 {
			b.WriteString(u[:i])
		}
		b.WriteString("%" + strconv.FormatUint(uint64(c)>>4, 16) + strconv.FormatUint(uint64(c)&15, 16))
	}
	if b.Len() == 0 {
		return u
	}
	return b.String()
}

// countCell is the cell of the count id: n, opening href.
func countCell(v *view, id string, n int64, href string) cell {
	return cell{Class: "n " + id, Label: v.T("dash." + id), Text: strconv.FormatInt(n, 10), Href: href}
}

// rateCells are the cells of the rates ids of st.
func rateCells(v *view, st *pingan.Stats, ids []string) cells {
	out := make(cells, len(ids))
	for i, id := range ids {
		r := rateOf(st, id, v.Lang)
		out[i] = cell{Class: "n rate-" + id, Label: v.T("dash.rate." + id), Text: r.Text, None: r.None, Why: r.Why}
	}
	return out
}

// sectionCells are the cells of a row of a section's table: the counts ids
// of st (count answers each), opening links, then the rates.
func sectionCells(v *view, st *pingan.Stats, links map[string]string, ids []string,
	count func(*pingan.Stats, string) int64, rates []string) cells {
	out := make(cells, 0, len(ids)+len(rates))
	for _, id := range ids {
		out = append(out, countCell(v, id, count(st, id), links[id]))
	}
	return append(out, rateCells(v, st, rates)...)
}
