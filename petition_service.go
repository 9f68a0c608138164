package pingan

import (
	"context"
	"time"
)

// PetitionRecord is what GET /cases/{id}/petition answers: the petition's
// state on its case row and its documents, without their texts (which
// may name the petitioner: PetitionService.Document reads one whole).
type PetitionRecord struct {
	Petition
	Documents []PetitionDocumentRef `json:"documents"`
}

// PetitionDocumentRef is a document of a petition as listed: everything
// but its text.
type PetitionDocumentRef struct {
	ID       int64      `json:"id"`
	Kind     DocKind    `json:"kind"`
	Title    string     `json:"title"`
	Number   string     `json:"number"`
	Unit     string     `json:"unit"`
	UnitName string     `json:"unit_name"`
	Level    int        `json:"level"`
	IssuedAt time.Time  `json:"issued_at"`
	IssuedBy string     `json:"issued_by"`
	SentOn   *time.Time `json:"sent_on,omitempty"`
	SentBy   SendMethod `json:"sent_by,omitempty"`
}

// PetitionDraft is the draft of a document before its issue: the number
// pingan suggests (the issuing unit's next of the kind this year) or the
// one saved, and the text pingan fills from the case (DraftText) or the
// one saved. Saved says whether a draft was saved (UpdatedAt when).
type PetitionDraft struct {
	Kind      DocKind    `json:"kind"`
	Title     string     `json:"title"`
	Number    string     `json:"number"`
	Body      string     `json:"body"`
	Saved     bool       `json:"saved"`
	UpdatedAt *time.Time `json:"updated_at,omitempty"`
}

// SimilarMatter is a petition that may be the same matter as another (重复件
// suggestion): the same petitioner, or a title that shares its words. It
// names the matter only, never a person.
type SimilarMatter struct {
	ID         string        `json:"id"`
	Number     string        `json:"number"`
	Title      string        `json:"title"`
	Status     Status        `json:"status"`
	Stage      PetitionStage `json:"stage"`
	ReportedAt time.Time     `json:"reported_at"`
	// Reasons are why it is suggested: "petitioner" (同一信访人), "title"
	// (内容相近); Why says it in words.
	Reasons []string `json:"reasons"`
	Why     string   `json:"why"`
}

// PetitionService reads what a petition's procedure recorded and keeps
// the drafts of its documents; the steps themselves (and the documents
// they issue) go through CaseService.Act.
type PetitionService interface {
	// Petition answers the state and the documents of the petition id in
	// actor's jurisdiction: ENOTFOUND outside it and for another kind.
	Petition(ctx context.Context, actor *User, id string) (*PetitionRecord, error)
	// Document answers one document of the petition caseID with its text,
	// an audited read of personal data: EFORBIDDEN for a reader who does
	// not see the case's personal data, ENOTFOUND for no such document.
	Document(ctx context.Context, actor *User, caseID string, docID int64) (*PetitionDocument, error)
	// Draft answers the draft of the document of kind: the saved one, or
	// the number suggested and the text filled from the case (the
	// petitioner named for a reader who sees personal data, 信访人
	// otherwise). EINVALID for an unknown kind; EFORBIDDEN for a saved
	// draft's text to a reader who does not see personal data.
	Draft(ctx context.Context, actor *User, caseID string, kind DocKind) (*PetitionDraft, error)
	// SaveDraft saves the draft of the document of kind (number, body);
	// EFORBIDDEN unless actor may take a step that issues it now;
	// EINVALID naming number or body.
	SaveDraft(ctx context.Context, actor *User, caseID string, kind DocKind, number, body string) (*PetitionDraft, error)
	// Similar answers the petitions in actor's jurisdiction that may be
	// the same matter as caseID, newest first, at most MaxSimilar.
	Similar(ctx context.Context, actor *User, caseID string) ([]SimilarMatter, error)
	// Settings answers the rules for petitions, the defaults filled.
	Settings(ctx context.Context) (*PetitionSettings, error)
	// SetSettings replaces them (0 takes the default); EFORBIDDEN unless
	// actor administers the whole tree, EINVALID naming a bad field.
	SetSettings(ctx context.Context, actor *User, s *PetitionSettings) error
}

// MaxSimilar bounds the similar matters suggested.
const MaxSimilar = 10
