package web

// CaseImportReady reports whether the import of cases is served (the administration tabs).
func (v *view) CaseImportReady() bool { return false }
