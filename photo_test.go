package pingan_test

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store/storetest"
)

// decodes reports what is wrong with data as a photo: pingan.CheckPhotos.
func decodes(data []byte) error {
	var v pingan.Invalid
	pingan.CheckPhotos(&v, "photos", []pingan.Upload{{Name: "p", Data: data}})
	return v.Err()
}

// exifOf reads the Orientation of the Exif structure t and whether it still
// points to a GPS directory or holds the position's numbers.
func exifOf(t *testing.T, x []byte) (orientation uint16, gps bool) {
	t.Helper()
	le := binary.LittleEndian
	n := int(le.Uint16(x[8:]))
	for k := range n {
		e := 10 + 12*k
		switch le.Uint16(x[e:]) {
		case 0x0112:
			orientation = le.Uint16(x[e+8:])
		case 0x8825:
			gps = true
		}
	}
	lat := make([]byte, 8)
	le.PutUint32(lat, 39)
	le.PutUint32(lat[4:], 1)
	return orientation, gps || bytes.Contains(x, lat) || bytes.Contains(x[38:], []byte{'N', 0})
}

// A JPEG's position goes, surgically: the same length, the same bytes
// outside the Exif segment, the Orientation kept, the image still whole;
// the original is left as it was.
func TestStripPositionJPEG(t *testing.T) {
	data, from, to := storetest.JPEGWithExif()
	orig := bytes.Clone(data)
	if o, gps := exifOf(t, data[from+10:to]); o != 6 || !gps {
		t.Fatalf("the test's Exif: orientation %d, gps %v", o, gps)
	}
	out := pingan.StripPosition(data)
	if !bytes.Equal(data, orig) {
		t.Error("StripPosition changed its argument")
	}
	if len(out) != len(data) || !bytes.Equal(out[:from+10], data[:from+10]) || !bytes.Equal(out[to:], data[to:]) {
		t.Fatal("bytes outside the Exif structure changed")
	}
	o, gps := exifOf(t, out[from+10:to])
	if o != 6 || gps {
		t.Errorf("stripped: orientation %d, position left %v", o, gps)
	}
	if err := decodes(out); err != nil {
		t.Errorf("the stripped photo: %v", err)
	}
	// An XMP packet, which may repeat the position, is dropped whole.
	xmp := append([]byte{0xFF, 0xE1, 0, 0}, "http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta exif:GPSLatitude=\"39,45.3N\"/>"...)
	binary.BigEndian.PutUint16(xmp[2:], uint16(len(xmp)-2))
	withXMP := append(append(append([]byte{}, data[:to]...), xmp...), data[to:]...)
	if out := pingan.StripPosition(withXMP); bytes.Contains(out, []byte("GPSLatitude")) || len(out) != len(data) || decodes(out) != nil {
		t.Errorf("XMP: %d bytes, decodes %v", len(out), decodes(out))
	}
}

// A PNG's eXIf chunk loses its position, keeps its Orientation, and its CRC
// is written again, so that the image still decodes.
func TestStripPositionPNG(t *testing.T) {
	var buf bytes.Buffer
	if err := png.Encode(&buf, storetest.Picture()); err != nil {
		t.Fatal(err)
	}
	plain := buf.Bytes()
	x := storetest.Exif()
	chunk := binary.BigEndian.AppendUint32(nil, uint32(len(x)))
	chunk = append(append(chunk, "eXIf"...), x...)
	chunk = binary.BigEndian.AppendUint32(chunk, crc32.ChecksumIEEE(chunk[4:]))
	data := append(append(append([]byte{}, plain[:33]...), chunk...), plain[33:]...)
	if err := decodes(data); err != nil {
		t.Fatalf("the test's PNG: %v", err)
	}
	out := pingan.StripPosition(data)
	o, gps := exifOf(t, out[33+8:33+8+len(x)])
	if o != 6 || gps || len(out) != len(data) {
		t.Errorf("stripped: orientation %d, position left %v, %d bytes", o, gps, len(out))
	}
	if err := decodes(out); err != nil {
		t.Errorf("the stripped PNG: %v", err)
	}
	if !bytes.Equal(out[33+len(chunk):], data[33+len(chunk):]) {
		t.Error("the image data changed")
	}
}

// Photos are judged by content: bytes that only begin like an image, and
// a small file that claims a huge picture, are refused naming the file.
func TestCheckPhotosByContent(t *testing.T) {
	var buf bytes.Buffer
	png.Encode(&buf, image.NewGray(image.Rect(0, 0, 1, 1)))
	bomb := bytes.Clone(buf.Bytes()) // a 1×1 PNG whose header says 100000×100000
	binary.BigEndian.PutUint32(bomb[16:], 100_000)
	binary.BigEndian.PutUint32(bomb[20:], 100_000)
	binary.BigEndian.PutUint32(bomb[29:], crc32.ChecksumIEEE(bomb[12:29]))
	good, _, _ := storetest.JPEGWithExif()
	m := image.NewGray(image.Rect(0, 0, 2, 2))
	m.Set(1, 1, color.White)
	var ok bytes.Buffer
	png.Encode(&ok, m)
	for _, tt := range []struct {
		name string
		data []byte
		want string
	}{
		{"fake.png", []byte("\x89PNG\r\n\x1a\nnot a picture"), "无法解码"},
		{"cut.jpg", good[:len(good)/2], "无法解码"},
		{"bomb.png", bomb, "像素过多"},
		{"ok.png", ok.Bytes(), ""},
		{"ok.jpg", good, ""},
	} {
		var v pingan.Invalid
		pingan.CheckPhotos(&v, "photos", []pingan.Upload{{Name: tt.name, Data: tt.data}})
		got := ""
		if e, ok := v.Err().(*pingan.Error); ok {
			got = e.Fields["photos"].Text(pingan.ZH)
		}
		if tt.want == "" && v.Err() != nil || tt.want != "" && (!strings.Contains(got, tt.want) || !strings.Contains(got, tt.name)) {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}
