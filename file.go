package pingan

import "context"

// Files (photos) are attached to a case's timeline by reference:
// "sha256:" and the hex SHA-256 of the content. A reference is only a
// name; what makes a file attachable is who uploaded it. A user may attach
// a file they uploaded themselves, or one already attached to a case they
// see; any other reference is refused the same way whether such a file
// exists or not, so that a sum neither reaches another jurisdiction's
// photo nor tells whether it exists.

// MaxAttachments bounds the files one action or report carries.
const MaxAttachments = 20

// FileService serves the files attached to cases, sealed at rest like
// personal data. Files arrive with the report or action they belong to
// (NewCase.Photos, ActionInput.Photos) and are kept in its transaction.
type FileService interface {
	// CaseFile answers the content of the file with the hex sum attached to
	// the case in the actor's jurisdiction. ENOTFOUND when the case is
	// outside it or does not exist, and when the file is not attached to
	// that case or its content is not kept.
	CaseFile(ctx context.Context, actor *User, caseID, sum string) ([]byte, error)
}

// Photos arrive with a report or an action as their content (Upload) and
// are kept by the store in the same transaction as the case they belong
// to, written to a FileStore only once the report has passed validation
// and removed from it again if the transaction fails.

// Limits of the photos of one report or action.
const (
	MaxPhotos     = 6
	MaxPhotoBytes = 5 << 20
)

// Upload is a file arriving with a report or an action, not yet kept.
type Upload struct {
	Name string // as the sender named it, for messages
	Data []byte
}

// PhotoType answers the content type of a JPEG, PNG or WebP image by its
// first bytes, or "" for anything else.
func PhotoType(data []byte) string {
	switch {
	case len(data) >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF:
		return "image/jpeg"
	case len(data) >= 8 && string(data[:8]) == "\x89PNG\r\n\x1a\n":
		return "image/png"
	case len(data) >= 12 && string(data[:4]) == "RIFF" && string(data[8:12]) == "WEBP":
		return "image/webp"
	}
	return ""
}

// CheckPhotos adds to v, under field, what is wrong with photos: too many,
// one empty or too large, one that is not a JPEG, PNG or WebP image by its
// bytes, one that does not decode as one or has too many pixels (photo.go).
func CheckPhotos(v *Invalid, field string, photos []Upload) {
	if len(photos) > MaxPhotos {
		v.Add(field, "photo.many", MaxPhotos)
		return
	}
	for _, p := range photos {
		switch {
		case len(p.Data) == 0:
			v.Add(field, "photo.empty", ShowText(p.Name, 64))
		case len(p.Data) > MaxPhotoBytes:
			v.Add(field, "photo.large", ShowText(p.Name, 64), MaxPhotoBytes>>20)
		case PhotoType(p.Data) == "":
			v.Add(field, "photo.type", ShowText(p.Name, 64))
		default:
			if key := ImageProblem(p.Data); key != "" {
				v.Add(field, key, ShowText(p.Name, 64))
			}
		}
	}
}

// FileStore keeps the content of files by name. The store seals what it
// puts (content is never written in clear) and keeps in the database
// which name holds which file; the adapter only keeps bytes: a directory
// (package files), or an object store.
type FileStore interface {
	// Put keeps data under name, whole or not at all; the name is new.
	Put(ctx context.Context, name string, data []byte) error
	// Get answers the data kept under name; an error wrapping
	// fs.ErrNotExist when there is none.
	Get(ctx context.Context, name string) ([]byte, error)
	// Delete removes name; removing what is not there is no error.
	Delete(ctx context.Context, name string) error
}
