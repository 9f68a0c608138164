package pingan

// Duplicates and related cases (合并重复件、关联案件). A dispatcher merges a
// duplicate into the case that carries the work (ActMerge): the duplicate
// ends in StatusMerged with Case.MergedInto naming the main case, and its
// reporter's public page follows the main case. Related cases are linked
// (ActLink, ActUnlink) so that a handler sees them together; a link has no
// direction. docs/design.md, "Duplicates and links".

// CaseRef names another case on a case's page: a linked case the reader
// sees.
type CaseRef struct {
	ID     string `json:"id"`
	Title  string `json:"title"`
	Status Status `json:"status"`
	Unit   string `json:"unit"` // where it happened, by code
}

// MaxMergeChain bounds how far a reader follows merged cases to the one
// that carries the work (a main case merged in its turn later).
const MaxMergeChain = 8
