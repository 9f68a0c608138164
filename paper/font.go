package paper

import (
	"encoding/binary"
	"errors"
	"sort"
)

// face is one TrueType font of a printer with the characters it has
// glyphs for. A printer draws each character with the first of its faces
// that has it: Droid Sans Fallback has Chinese but no digits nor Latin
// letters, which come from a Latin font after it.
type face struct {
	name string // the font's family in the PDF
	path string
	data []byte
	cmap *cmap
}

// cmap answers whether a font has a glyph for a character, from its
// character map: the Unicode subtable of format 12 (the whole range) or 4
// (the Basic Multilingual Plane).
type cmap struct {
	// groups of characters start…end with glyphs, sorted; for format 4 a
	// segment whose glyphs come from the glyph array is checked character
	// by character when it is read.
	groups []charRange
}

type charRange struct{ start, end rune }

// has reports whether the font has a glyph for r.
func (c *cmap) has(r rune) bool {
	i := sort.Search(len(c.groups), func(i int) bool { return c.groups[i].end >= r })
	return i < len(c.groups) && c.groups[i].start <= r
}

var errNoCmap = errors.New("no Unicode character map")

// readCmap reads the character map of a TrueType font.
func readCmap(b []byte) (*cmap, error) {
	u16 := func(o int) int {
		if o < 0 || o+2 > len(b) {
			return -1
		}
		return int(binary.BigEndian.Uint16(b[o:]))
	}
	u32 := func(o int) int {
		if o < 0 || o+4 > len(b) {
			return -1
		}
		return int(binary.BigEndian.Uint32(b[o:]))
	}
	n := u16(4)
	table := -1
	for i := 0; i < n; i++ {
		rec := 12 + 16*i
		if rec+16 > len(b) {
			break
		}
		if string(b[rec:rec+4]) == "cmap" {
			table = u32(rec + 8)
		}
	}
	if table < 0 {
		return nil, errNoCmap
	}
	best, bestRank := -1, 0
	for i := 0; i < u16(table+2); i++ {
		rec := table + 4 + 8*i
		platform, encoding, off := u16(rec), u16(rec+2), u32(rec+4)
		if off < 0 {
			break
		}
		sub := table + off
		rank := 0
		switch format := u16(sub); {
		case format == 12 && (platform == 3 && encoding == 10 || platform == 0):
			rank = 3
		case format == 4 && (platform == 3 && encoding == 1 || platform == 0):
			rank = 2
		}
		if rank > bestRank {
			best, bestRank = sub, rank
		}
	}
	if best < 0 {
		return nil, errNoCmap
	}
	c := &cmap{}
	if u16(best) == 12 {
		groups := u32(best + 12)
		for i := 0; i < groups; i++ {
			g := best + 16 + 12*i
			start, end := u32(g), u32(g+4)
			if start < 0 || end < 0 {
				return nil, errNoCmap
			}
			c.groups = append(c.groups, charRange{rune(start), rune(end)})
		}
	} else {
		segs := u16(best+6) / 2
		ends, starts := best+14, best+16+2*segs
		deltas, offsets := starts+2*segs, starts+4*segs
		for i := 0; i < segs; i++ {
			start, end := u16(starts+2*i), u16(ends+2*i)
			delta, ro := u16(deltas+2*i), u16(offsets+2*i)
			if start < 0 || end < 0 || delta < 0 || ro < 0 {
				return nil, errNoCmap
			}
			for r := start; r <= end && r != 0xFFFF; r++ {
				glyph := (r + delta) & 0xFFFF
				if ro != 0 {
					g := u16(offsets + 2*i + ro + 2*(r-start))
					if g <= 0 {
						continue
					}
					glyph = (g + delta) & 0xFFFF
				}
				if glyph == 0 {
					continue
				}
				if k := len(c.groups) - 1; k >= 0 && c.groups[k].end == rune(r-1) {
					c.groups[k].end = rune(r)
				} else {
					c.groups = append(c.groups, charRange{rune(r), rune(r)})
				}
			}
		}
	}
	sort.Slice(c.groups, func(i, j int) bool { return c.groups[i].start < c.groups[j].start })
	return c, nil
}
