package paper

import (
	"strings"
	"unicode"
)

// wrap breaks s into lines no wider than w in the current font: at a line
// break in s, between two characters of which one is Chinese (or Japanese,
// Korean), or at a space between words; a word longer than a line is cut.
// Closing punctuation (，。、） …) stays at the end of its line, even a
// little past the width, rather than begin the next.
func (d *doc) wrap(s string, w float64) []string {
	var out []string
	for _, para := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		rs := []rune(para)
		start, width := 0, 0.0
		for i := 0; i < len(rs); i++ {
			cw := d.width(string(rs[i]))
			if width+cw <= w || i == start {
				width += cw
				continue
			}
			cut := i
			switch {
			case closing(rs[i]):
				cut = i + 1
			case breakable(rs[i-1], rs[i]):
			default:
				for j := i - 1; j > start; j-- {
					if breakable(rs[j-1], rs[j]) {
						cut = j
						break
					}
				}
			}
			out = append(out, strings.TrimRight(string(rs[start:cut]), " "))
			for cut < len(rs) && rs[cut] == ' ' {
				cut++
			}
			start, width, i = cut, 0, cut-1
		}
		if start < len(rs) || len(rs) == 0 {
			out = append(out, string(rs[start:]))
		}
	}
	return out
}

// wide reports whether r is a character of a language written without
// spaces, after or before which a line may break.
func wide(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) ||
		(r >= 0x3000 && r <= 0x303f) || (r >= 0xff00 && r <= 0xffef)
}

// breakable reports whether a line may break between a and b.
func breakable(a, b rune) bool {
	return a == ' ' || b == ' ' || ((wide(a) || wide(b)) && !closing(b) && !opening(a))
}

// closing reports whether r is punctuation that must not begin a line.
func closing(r rune) bool {
	return strings.ContainsRune("，。、；：！？）》」』】〕”’,.;:!?)]%", r)
}

// opening reports whether r is punctuation that must not end a line.
func opening(r rune) bool { return strings.ContainsRune("（《「『【〔“‘([", r) }
