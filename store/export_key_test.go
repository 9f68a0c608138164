package store

// WaitBackground waits for the store's background work: the key canary's
// first write (key.go).
func (db *DB) WaitBackground() { db.background.Wait() }
