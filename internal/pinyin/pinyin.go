// Package pinyin answers the initials of the pinyin (拼音首字母) of Chinese
// text, for finding a name by the first letters of its syllables: 肃州区 is
// SZQ, 下坝村 XBC. A character read in several ways (多音字: 长 chang or zhang)
// matches by any of its readings; Initials gives its usual one.
//
// The table (table.go) covers GB 2312 levels 1 and 2 and every character of
// the official division names the demo embeds. It is generated from the npm
// package pinyin-pro and committed, so that building needs nothing:
//
//go:generate sh -c "cd gen && npm install --no-save pinyin-pro@3.29.4 && node gen.mjs > ../table.go && rm -rf node_modules package-lock.json"
package pinyin

import (
	"strings"
	"sync"
	"unicode/utf8"
)

// entry is what the table knows of a character: its usual initial and the
// letters of all its readings, a bit per letter.
type entry struct {
	usual   byte
	letters uint64
}

var table = sync.OnceValue(func() map[rune]entry {
	m := make(map[rune]entry, 7200)
	for i, s := range usual {
		for _, r := range s {
			m[r] = entry{usual: byte('A' + i), letters: 1 << i}
		}
	}
	for i, s := range other {
		for _, r := range s {
			e := m[r]
			e.letters |= 1 << i
			m[r] = e
		}
	}
	return m
})

// Known reports whether the table has the character r.
func Known(r rune) bool {
	_, ok := table()[r]
	return ok
}

// fold answers the symbol a letter or digit stands for in initials (upper
// case), and false for anything else.
func fold(r rune) (byte, bool) {
	switch {
	case r >= 'a' && r <= 'z':
		return byte(r - 'a' + 'A'), true
	case r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		return byte(r), true
	case r >= 'ａ' && r <= 'ｚ': // full width, as Chinese input methods may type them
		return byte(r - 'ａ' + 'A'), true
	case r >= 'Ａ' && r <= 'Ｚ':
		return byte(r - 'Ａ' + 'A'), true
	case r >= '０' && r <= '９':
		return byte(r - '０' + '0'), true
	}
	return 0, false
}

// bit answers the bit of a symbol fold answers: letters 0–25, digits 26–35.
func bit(b byte) uint64 {
	if b >= 'A' && b <= 'Z' {
		return 1 << (b - 'A')
	}
	return 1 << (26 + b - '0')
}

// Initials answers the initials of s, upper case: the first letter of the
// usual reading of each Chinese character, letters and digits as they are;
// anything else (spaces, punctuation, characters the table lacks) is left
// out. Initials("酒泉市") is "JQS", Initials("3号楼") "3HL".
func Initials(s string) string {
	t := table()
	var b strings.Builder
	for _, r := range s {
		if e, ok := t[r]; ok {
			b.WriteByte(e.usual)
		} else if c, ok := fold(r); ok {
			b.WriteByte(c)
		}
	}
	return b.String()
}

// Query answers q as initials to look for: its letters and digits, upper
// case; "" when it has none, or has a character that is neither, such as
// a Chinese one (then it is a query of the name itself, not of initials).
func Query(q string) string {
	var b strings.Builder
	for _, r := range q {
		if r == ' ' || r == '\u3000' {
			continue
		}
		c, ok := fold(r)
		if !ok {
			return ""
		}
		b.WriteByte(c)
	}
	return b.String()
}

// Index answers where the initials q (as Query answers them) first occur in
// the name, counted in the symbols Initials answers, any reading of a
// character counting; -1 when they do not. Index("长安村", "ZAC") is 0.
func Index(name, q string) int {
	if q == "" {
		return -1
	}
	t := table()
	sets := make([]uint64, 0, utf8.RuneCountInString(name))
	for _, r := range name {
		if e, ok := t[r]; ok {
			sets = append(sets, e.letters)
		} else if c, ok := fold(r); ok {
			sets = append(sets, bit(c))
		}
	}
outer:
	for i := 0; i+len(q) <= len(sets); i++ {
		for j := 0; j < len(q); j++ {
			if sets[i+j]&bit(q[j]) == 0 {
				continue outer
			}
		}
		return i
	}
	return -1
}
