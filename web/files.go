package web

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/pingan-gov/pingan"
)

// fileTime is the modification time files are served with: none, as
// they never change.
var fileTime time.Time

// maxPhotoBytes is the largest photo accepted.
const maxPhotoBytes = 5 << 20

// fileStore is where photos lay, in clear, content-addressed under
// dir/files, before the store kept them (migration 0008): nothing reads or
// writes there any more. Photos go to the store's pingan.FileService,
// which seals them like personal data and records who uploaded each.
type fileStore struct {
	dir string
}

func validSum(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, r := range s {
		if (r < '0' || r > '9') && (r < 'a' || r > 'f') {
			return false
		}
	}
	return true
}

// photoType answers the content type of a JPEG, PNG or WebP image by its
// first bytes, or "" for anything else.
func photoType(head []byte) string {
	switch {
	case bytes.HasPrefix(head, []byte{0xFF, 0xD8, 0xFF}):
		return "image/jpeg"
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
		return "image/png"
	case len(head) >= 12 && string(head[:4]) == "RIFF" && string(head[8:12]) == "WEBP":
		return "image/webp"
	}
	return ""
}

// fileService answers the service that keeps the photos: the case
// service, which keeps them too (the store does).
func (s *Server) fileService() (pingan.FileService, error) {
	fs, ok := s.cases.(pingan.FileService)
	if !ok {
		return nil, pingan.Errorf(pingan.EINTERNAL, "web: the case service keeps no files")
	}
	return fs, nil
}

// serveFile sends the photo of the case with the sum to a user who sees
// the case; 404 for anything else.
func (s *Server) serveFile(w http.ResponseWriter, r *http.Request, caseID, sum string) {
	fs, err := s.fileService()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	data, err := fs.CaseFile(r.Context(), userOf(r), caseID, sum)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ct := photoType(data)
	if ct == "" {
		ct = "application/octet-stream"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Cache-Control", "private, max-age=86400, immutable")
	http.ServeContent(w, r, "", fileTime, bytes.NewReader(data))
}

// savePhotos checks the photos of the multipart field, uploads them as
// the request's user (none on the citizens' pages) and answers their
// references. EINVALID names the field for too many photos, one too
// large, or one that is not a JPEG, PNG or WebP image by its bytes.
func (s *Server) savePhotos(r *http.Request, field string) ([]string, error) {
	if r.MultipartForm == nil {
		return nil, nil
	}
	var refs []string
	files := r.MultipartForm.File[field]
	var nonEmpty int
	for _, fh := range files {
		if fh.Size > 0 {
			nonEmpty++
		}
	}
	if nonEmpty > maxPhotos {
		return nil, invalidField(field, fmt.Sprintf("最多 %d 张照片 (at most %d photos)", maxPhotos, maxPhotos))
	}
	for _, fh := range files {
		if fh.Size == 0 {
			continue
		}
		if fh.Size > maxPhotoBytes {
			return nil, invalidField(field, fmt.Sprintf("照片 %s 超过 5 MB (photo larger than 5 MB)", fh.Filename))
		}
		f, err := fh.Open()
		if err != nil {
			return nil, err
		}
		data, err := io.ReadAll(io.LimitReader(f, maxPhotoBytes+1))
		f.Close()
		if err != nil {
			return nil, err
		}
		if len(data) > maxPhotoBytes {
			return nil, invalidField(field, fmt.Sprintf("照片 %s 超过 5 MB (photo larger than 5 MB)", fh.Filename))
		}
		if photoType(data) == "" {
			return nil, invalidField(field, fmt.Sprintf("%s 不是 JPEG、PNG 或 WebP 图片 (not a JPEG, PNG or WebP image)", fh.Filename))
		}
		fs, err := s.fileService()
		if err != nil {
			return nil, err
		}
		ref, err := fs.Upload(r.Context(), userOf(r), data)
		if err != nil {
			return nil, err
		}
		refs = append(refs, ref)
	}
	return refs, nil
}

func invalidField(field, msg string) error {
	return &pingan.Error{Code: pingan.EINVALID, Message: "输入有误，请检查标出的字段 (invalid input)",
		Fields: map[string]string{field: msg}}
}
