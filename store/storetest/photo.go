package storetest

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/jpeg"
	"image/png"
)

// pngOf answers a real PNG, one pixel high, whose grey pixels are the bytes
// of text (and one more), so that each text makes an image of its own.
func pngOf(text string) []byte {
	m := image.NewGray(image.Rect(0, 0, len(text)+1, 1))
	copy(m.Pix, text)
	var buf bytes.Buffer
	if err := png.Encode(&buf, m); err != nil {
		panic(err) // an in-memory image always encodes
	}
	return buf.Bytes()
}

// Picture is a small picture with pixels of its own.
func Picture() image.Image {
	m := image.NewRGBA(image.Rect(0, 0, 16, 8))
	for i := range m.Pix {
		m.Pix[i] = byte(i * 7)
	}
	return m
}

// Exif is a hand-written little-endian Exif structure: Orientation 6
// (turned a quarter) and a GPS directory of 39°45'18"N 98°30'0"E.
func Exif() []byte {
	le := binary.LittleEndian
	t := make([]byte, 140)
	copy(t, "II*\x00")
	le.PutUint32(t[4:], 8)
	entry := func(at int, tag, typ uint16, count, value uint32) {
		le.PutUint16(t[at:], tag)
		le.PutUint16(t[at+2:], typ)
		le.PutUint32(t[at+4:], count)
		le.PutUint32(t[at+8:], value)
	}
	le.PutUint16(t[8:], 2) // IFD0
	entry(10, 0x0112, 3, 1, 6)
	entry(22, 0x8825, 4, 1, 38)
	le.PutUint16(t[38:], 4) // the GPS directory
	entry(40, 0x0001, 2, 2, 'N')
	entry(52, 0x0002, 5, 3, 92)
	entry(64, 0x0003, 2, 2, 'E')
	entry(76, 0x0004, 5, 3, 116)
	for i, v := range []uint32{39, 1, 45, 1, 1800, 100, 98, 1, 30, 1, 0, 1} {
		le.PutUint32(t[92+4*i:], v)
	}
	return t
}

// JPEGWithExif answers a real JPEG of Picture carrying Exif() in an APP1
// segment right after its start, and where that segment begins and ends.
func JPEGWithExif() (data []byte, segStart, segEnd int) {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, Picture(), nil); err != nil {
		panic(err) // an in-memory image always encodes
	}
	plain := buf.Bytes()
	payload := append([]byte("Exif\x00\x00"), Exif()...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(2+len(payload)))
	seg = append(seg, payload...)
	data = append(append(append([]byte{}, plain[:2]...), seg...), plain[2:]...)
	return data, 2, 2 + len(seg)
}
