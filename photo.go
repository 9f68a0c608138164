package pingan

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	_ "image/jpeg" // the decoders of the photos CheckPhotos accepts
	_ "image/png"

	_ "golang.org/x/image/webp"
)

// Photos are judged by their content, not their name (照片按内容检查): a
// photo must decode as the JPEG, PNG or WebP image its first bytes say it
// is, and be no larger than MaxPhotoPixels, so that a small file that
// would unpack into gigabytes (a decompression bomb) is refused before it
// is decoded.

// MaxPhotoPixels bounds a photo's width × height: 50 million pixels, more
// than a phone's camera takes by default.
const MaxPhotoPixels = 50_000_000

// ImageProblem answers the message key of what is wrong with data as an
// image, or "": it does not decode ("photo.undecodable"), or it has too
// many pixels ("photo.pixels").
func ImageProblem(data []byte) string {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 {
		return "photo.undecodable"
	}
	if int64(cfg.Width)*int64(cfg.Height) > MaxPhotoPixels {
		return "photo.pixels"
	}
	if _, _, err := image.Decode(bytes.NewReader(data)); err != nil {
		return "photo.undecodable"
	}
	return ""
}

// StripPosition answers data without the position a camera wrote into it
// (GPS 位置): the GPS directory of its Exif (a JPEG's APP1 segment, a PNG's
// eXIf chunk, a WebP's EXIF chunk) is blanked in place and the directory's
// entry removed from the first one, and a JPEG's or PNG's XMP packet,
// which may repeat the position, is dropped. Everything else — the pixels,
// the Orientation and the other Exif fields — stays byte for byte: nothing
// is decoded and encoded again. data itself is not changed; what is not a
// JPEG, PNG or WebP image comes back as it is.
func StripPosition(data []byte) []byte {
	switch PhotoType(data) {
	case "image/jpeg":
		return stripJPEG(data)
	case "image/png":
		return stripPNG(data)
	case "image/webp":
		out := bytes.Clone(data)
		for i := 12; i+8 <= len(out); {
			size := int(binary.LittleEndian.Uint32(out[i+4:]))
			end := i + 8 + size
			if size < 0 || end > len(out) {
				break
			}
			if string(out[i:i+4]) == "EXIF" {
				stripTIFF(bytes.TrimPrefix(out[i+8:end], []byte("Exif\x00\x00")))
			}
			i = end + size%2
		}
		return out
	}
	return data
}

var (
	exifHeader = []byte("Exif\x00\x00")
	xmpHeader  = []byte("http://ns.adobe.com/xap/1.0/\x00")
)

// stripJPEG walks the segments before the image data: the Exif segment's
// GPS directory is blanked, an XMP segment dropped.
func stripJPEG(data []byte) []byte {
	out := make([]byte, 0, len(data))
	out = append(out, data[:2]...)
	i := 2
	for i+4 <= len(data) && data[i] == 0xFF {
		marker := data[i+1]
		if marker == 0xFF { // fill
			out = append(out, 0xFF)
			i++
			continue
		}
		if marker == 0xDA || marker == 0xD9 || marker >= 0xD0 && marker <= 0xD7 || marker == 0x01 {
			break // the image data: the rest as it is
		}
		end := i + 2 + int(binary.BigEndian.Uint16(data[i+2:]))
		if end > len(data) || end < i+4 {
			break
		}
		seg := data[i:end]
		if marker == 0xE1 && bytes.HasPrefix(seg[4:], xmpHeader) {
			i = end
			continue
		}
		start := len(out)
		out = append(out, seg...)
		if marker == 0xE1 && bytes.HasPrefix(seg[4:], exifHeader) {
			stripTIFF(out[start+4+len(exifHeader):])
		}
		i = end
	}
	return append(out, data[i:]...)
}

// stripPNG walks the chunks: the eXIf chunk's GPS directory is blanked
// (and its CRC written again), an iTXt chunk of XMP dropped.
func stripPNG(data []byte) []byte {
	out := make([]byte, 0, len(data))
	out = append(out, data[:8]...)
	i := 8
	for i+12 <= len(data) {
		n := int(binary.BigEndian.Uint32(data[i:]))
		end := i + 12 + n
		if n < 0 || end > len(data) {
			break
		}
		kind := string(data[i+4 : i+8])
		if kind == "iTXt" && bytes.HasPrefix(data[i+8:end-4], []byte("XML:com.adobe.xmp\x00")) {
			i = end
			continue
		}
		start := len(out)
		out = append(out, data[i:end]...)
		if kind == "eXIf" && stripTIFF(out[start+8:start+8+n]) {
			binary.BigEndian.PutUint32(out[start+8+n:], crc32.ChecksumIEEE(out[start+4:start+8+n]))
		}
		i = end
		if kind == "IEND" {
			break
		}
	}
	return append(out, data[i:]...)
}

// stripTIFF blanks the GPS directory (tag 0x8825) of the Exif structure t
// in place and removes its entry from the first directory, keeping t's
// length and every other offset. It reports whether it changed t.
func stripTIFF(t []byte) bool {
	if len(t) < 8 {
		return false
	}
	var bo binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return false
	}
	ifd := int(bo.Uint32(t[4:]))
	if ifd < 8 || ifd+2 > len(t) {
		return false
	}
	n := int(bo.Uint16(t[ifd:]))
	dirEnd := ifd + 2 + 12*n + 4 // the entries and the offset of the next directory
	if dirEnd > len(t) {
		return false
	}
	for k := range n {
		e := ifd + 2 + 12*k
		if bo.Uint16(t[e:]) != 0x8825 {
			continue
		}
		blankDirectory(t, bo, int(bo.Uint32(t[e+8:])))
		copy(t[e:], t[e+12:dirEnd])
		clear(t[dirEnd-12 : dirEnd])
		bo.PutUint16(t[ifd:], uint16(n-1))
		return true
	}
	return false
}

// blankDirectory zeroes the directory at off in t and the values it points
// to, leaving it a directory of no entries.
func blankDirectory(t []byte, bo binary.ByteOrder, off int) {
	if off < 8 || off+2 > len(t) {
		return
	}
	n := int(bo.Uint16(t[off:]))
	for k := range n {
		e := off + 2 + 12*k
		if e+12 > len(t) {
			break
		}
		size := int64(typeSize(bo.Uint16(t[e+2:]))) * int64(bo.Uint32(t[e+4:]))
		if size > 4 {
			if v := int64(bo.Uint32(t[e+8:])); v >= 8 && v+size <= int64(len(t)) {
				clear(t[v : v+size])
			}
		}
		clear(t[e : e+12])
	}
	bo.PutUint16(t[off:], 0)
}

// typeSize answers the bytes of one value of a TIFF field type.
func typeSize(typ uint16) int {
	switch typ {
	case 1, 2, 6, 7: // BYTE, ASCII, SBYTE, UNDEFINED
		return 1
	case 3, 8: // SHORT, SSHORT
		return 2
	case 4, 9, 11: // LONG, SLONG, FLOAT
		return 4
	case 5, 10, 12: // RATIONAL, SRATIONAL, DOUBLE
		return 8
	}
	return 0
}
