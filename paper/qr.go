package paper

import (
	qrcode "github.com/yeqown/go-qrcode/v2"
)

// bitmap is a qrcode.Writer that keeps the modules of a code: dark
// modules true, rows first.
type bitmap struct{ bits [][]bool }

func (b *bitmap) Write(m qrcode.Matrix) error { b.bits = m.Bitmap(); return nil }
func (b *bitmap) Close() error                { return nil }

// qrModules answers the modules of the QR code of text, rows first.
func qrModules(text string) ([][]bool, error) {
	q, err := qrcode.New(text)
	if err != nil {
		return nil, err
	}
	var b bitmap
	if err := q.Save(&b); err != nil {
		return nil, err
	}
	return b.bits, nil
}

// qr draws the QR code of text as a square of side size at (x, y), in
// vector form: each run of dark modules in a row is one filled rectangle.
// The page around it is left white for the quiet zone.
func (d *doc) qr(text string, x, y, size float64) {
	bits, err := qrModules(text)
	if err != nil || len(bits) == 0 {
		panic("qr code of " + text + ": " + errString(err))
	}
	m := size / float64(len(bits))
	p := d.pdf
	p.SetFillColor(0, 0, 0)
	for r, row := range bits {
		for c := 0; c < len(row); {
			if !row[c] {
				c++
				continue
			}
			e := c
			for e < len(row) && row[e] {
				e++
			}
			p.Rect(x+float64(c)*m, y+float64(r)*m, float64(e-c)*m, m, "F")
			c = e
		}
	}
}

func errString(err error) string {
	if err == nil {
		return "empty"
	}
	return err.Error()
}
