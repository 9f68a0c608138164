package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/pingan-gov/pingan"
)

// fileTime is the modification time files are served with: none, as
// they never change.
var fileTime time.Time

// maxPhotoBytes is the largest photo accepted.
const maxPhotoBytes = 5 << 20

// fileStore keeps uploaded files content-addressed under dir/files: the
// file whose SHA-256 is h lies at files/h[:2]/h. The same photo sent twice
// is stored once; a file, once written, never changes.
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

func (fs *fileStore) path(sum string) string {
	return filepath.Join(fs.dir, "files", sum[:2], sum)
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

// put stores data and answers its reference, "sha256:" and the hex sum.
func (fs *fileStore) put(data []byte) (string, error) {
	if fs.dir == "" {
		return "", pingan.Errorf(pingan.EINTERNAL, "web: no data directory for photos")
	}
	h := sha256.Sum256(data)
	sum := hex.EncodeToString(h[:])
	p := fs.path(sum)
	if _, err := os.Stat(p); err == nil {
		return "sha256:" + sum, nil
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
		return "", fmt.Errorf("web: photo directory: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(p), ".upload-*")
	if err != nil {
		return "", fmt.Errorf("web: photo: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return "", fmt.Errorf("web: photo: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return "", fmt.Errorf("web: photo: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return "", fmt.Errorf("web: photo: %w", err)
	}
	if err := os.Rename(tmp.Name(), p); err != nil {
		return "", fmt.Errorf("web: photo: %w", err)
	}
	return "sha256:" + sum, nil
}

// serve sends the stored file with the sum.
func (fs *fileStore) serve(w http.ResponseWriter, r *http.Request, sum string) {
	f, err := os.Open(fs.path(sum))
	if err != nil {
		http.NotFound(w, r)
		return
	}
	defer f.Close()
	head := make([]byte, 16)
	n, _ := io.ReadFull(f, head)
	ct := photoType(head[:n])
	if ct == "" {
		ct = "application/octet-stream"
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Cache-Control", "private, max-age=86400, immutable")
	http.ServeContent(w, r, "", fileTime, f)
}

// savePhotos checks and stores the photos of the multipart field and
// answers their references. EINVALID names the field for too many photos,
// one too large, or one that is not a JPEG, PNG or WebP image by its bytes.
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
		ref, err := s.files.put(data)
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
