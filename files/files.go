// Package files keeps the content of files in a directory of the local
// disk: the pingan.FileStore of a single server, or of several sharing one
// mounted directory. Each name is a file under a folder of its first two
// characters (ab/abcd…), written whole or not at all: to a temporary file
// first, synced, then renamed into place. What it keeps is sealed by the
// store before it arrives; nothing here reads it.
package files

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Dir is a directory of files.
type Dir struct{ root string }

// Open answers the directory at root, creating it (readable by its owner
// only) when it does not exist.
func Open(root string) (*Dir, error) {
	if err := os.MkdirAll(root, 0o700); err != nil {
		return nil, fmt.Errorf("files: %w", err)
	}
	return &Dir{root: root}, nil
}

// Root answers the directory's path.
func (d *Dir) Root() string { return d.root }

// validName reports whether name may name a file: letters, digits, '-',
// '_' and '.', at least three characters, not beginning with a dot.
func validName(name string) bool {
	if len(name) < 3 || len(name) > 200 || name[0] == '.' {
		return false
	}
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
		default:
			return false
		}
	}
	return true
}

func (d *Dir) path(name string) (string, error) {
	if !validName(name) {
		return "", fmt.Errorf("files: bad name %q", name)
	}
	return filepath.Join(d.root, name[:2], name), nil
}

// Put writes data under name, whole or not at all.
func (d *Dir) Put(ctx context.Context, name string, data []byte) (err error) {
	if err := ctx.Err(); err != nil {
		return err
	}
	path, err := d.path(name)
	if err != nil {
		return err
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("files: %w", err)
	}
	f, err := os.CreateTemp(dir, ".put-*")
	if err != nil {
		return fmt.Errorf("files: %w", err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if _, err := f.Write(data); err != nil {
		return fmt.Errorf("files: %w", err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("files: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("files: %w", err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("files: %w", err)
	}
	return syncDir(dir)
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("files: %w", err)
	}
	defer f.Close()
	if err := f.Sync(); err != nil && !errors.Is(err, fs.ErrInvalid) {
		return fmt.Errorf("files: %w", err)
	}
	return nil
}

// Get answers the data kept under name; an error wrapping fs.ErrNotExist
// when there is none.
func (d *Dir) Get(ctx context.Context, name string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	path, err := d.path(name)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", err, fs.ErrNotExist)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("files: %w", err)
	}
	return data, nil
}

// Delete removes name; a name that is not there is no error.
func (d *Dir) Delete(ctx context.Context, name string) error {
	path, err := d.path(name)
	if err != nil {
		return err
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("files: %w", err)
	}
	return nil
}
