package web

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/pingan-gov/pingan"
)

// fileTime is the modification time files are served with: none, as
// they never change.
var fileTime time.Time

// fileStore is where photos lay, in clear, content-addressed under
// dir/files, before the store kept them (migration 0008): nothing reads or
// writes there any more. Photos go to the store with the report or action
// they arrive with (readPhotos); it seals them like personal data, records
// who brought each, and serves them (pingan.FileService).
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

// fileService answers the service that keeps the photos: the case
// service, which keeps them too (the store does).
func (s *Server) fileService() (pingan.FileService, error) {
	fs, ok := s.cases.(pingan.FileService)
	if !ok {
		return nil, errors.New("web: the case service keeps no files")
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
	ct := pingan.PhotoType(data)
	if ct == "" {
		ct = "application/octet-stream"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Cache-Control", "private, max-age=86400, immutable")
	http.ServeContent(w, r, "", fileTime, bytes.NewReader(data))
}

// readPhotos reads the photos of the multipart field, to go with the
// report or action they arrive with: the domain judges them
// (pingan.CheckPhotos: how many, how large, whether each is a JPEG, PNG or
// WebP image by its bytes) and the store keeps them in the same
// transaction. An empty file (a file input left empty) is none; one larger
// than the limit is read only just past it, to be refused.
func readPhotos(r *http.Request, field string) ([]pingan.Upload, error) {
	if r.MultipartForm == nil {
		return nil, nil
	}
	var out []pingan.Upload
	for _, fh := range r.MultipartForm.File[field] {
		if fh.Size == 0 {
			continue
		}
		f, err := fh.Open()
		if err != nil {
			return nil, err
		}
		data, err := io.ReadAll(io.LimitReader(f, pingan.MaxPhotoBytes+1))
		f.Close()
		if err != nil {
			return nil, err
		}
		out = append(out, pingan.Upload{Name: fh.Filename, Data: data})
	}
	return out, nil
}

// invalidField answers an EINVALID error naming one field, with the
// message key and arguments of what is wrong with it.
func invalidField(field, key string, args ...any) error {
	return &pingan.Error{Code: pingan.EINVALID, Msg: pingan.Msg("error.invalid"),
		Fields: map[string]pingan.Message{field: pingan.Msg(key, args...)}}
}
