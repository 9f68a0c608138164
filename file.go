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

// FileService keeps the files attached to cases, sealed at rest like
// personal data, each with a record of who uploaded it.
type FileService interface {
	// Upload keeps data as uploaded by actor (nil: a citizen through the
	// public form) and answers its reference. The same content is kept
	// once, however many upload it.
	Upload(ctx context.Context, actor *User, data []byte) (string, error)
	// CaseFile answers the content of the file with the hex sum attached to
	// the case in the actor's jurisdiction. ENOTFOUND when the case is
	// outside it or does not exist, and when the file is not attached to
	// that case or its content is not kept.
	CaseFile(ctx context.Context, actor *User, caseID, sum string) ([]byte, error)
}
