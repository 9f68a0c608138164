package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// progressBar shows how far a long import has come on stderr. On a
// terminal it redraws one line in place (\r) at most ten times a second:
//
//	导入 (importing)  [██████████░░░░░░░░░░]  51.2%  340,000/665,276  98,400 units/s
//
// Anywhere else — a log file, a pipe, CI — it writes one line per 10%, so
// that the log stays readable.
type progressBar struct {
	w     io.Writer
	tty   bool
	label string
	unit  string
	start time.Time
	now   func() time.Time

	drawn    time.Time
	lastTen  int // the last tenth written (not a terminal)
	finished bool
}

// newProgress answers a bar labelled label counting unit ("units") on w.
func newProgress(w io.Writer, label, unit string) *progressBar {
	return &progressBar{w: w, tty: isTerminal(w), label: label, unit: unit, start: time.Now(), now: time.Now, lastTen: -1}
}

// isTerminal reports whether w is a character device such as a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// update shows done of total.
func (p *progressBar) update(done, total int) {
	if p.finished || total <= 0 {
		return
	}
	now := p.now()
	if p.tty {
		if done < total && now.Sub(p.drawn) < 100*time.Millisecond {
			return
		}
		p.drawn = now
		fmt.Fprintf(p.w, "\r%s\x1b[K", p.line(done, total, now)) // and clear what a longer line left
	} else if ten := done * 10 / total; ten > p.lastTen {
		p.lastTen = ten
		fmt.Fprintln(p.w, p.line(done, total, now))
	}
	if done >= total {
		p.finish()
	}
}

// finish ends the bar's line on a terminal.
func (p *progressBar) finish() {
	if p.finished {
		return
	}
	p.finished = true
	if p.tty {
		fmt.Fprintln(p.w)
	}
}

func (p *progressBar) line(done, total int, now time.Time) string {
	frac := float64(done) / float64(total)
	const width = 20
	full := int(frac * width)
	rate := 0.0
	if el := now.Sub(p.start).Seconds(); el > 0 {
		rate = float64(done) / el
	}
	return fmt.Sprintf("%s  [%s%s]  %5.1f%%  %s/%s  %s %s/s", p.label,
		strings.Repeat("█", full), strings.Repeat("░", width-full), frac*100,
		thousands(done), thousands(total), thousands(int(rate)), p.unit)
}

// thousands writes n with commas: 665,276.
func thousands(n int) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}
