package files

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/pingan-gov/pingan"
)

var _ pingan.FileStore = (*Dir)(nil)

func TestPutGetDelete(t *testing.T) {
	ctx := context.Background()
	d, err := Open(filepath.Join(t.TempDir(), "files"))
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Put(ctx, "abc123", []byte("sealed bytes")); err != nil {
		t.Fatal(err)
	}
	got, err := d.Get(ctx, "abc123")
	if err != nil || string(got) != "sealed bytes" {
		t.Fatalf("Get = %q, %v", got, err)
	}
	if _, err := os.Stat(filepath.Join(d.Root(), "ab", "abc123")); err != nil {
		t.Errorf("not laid out under its first two characters: %v", err)
	}
	if err := d.Delete(ctx, "abc123"); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Get(ctx, "abc123"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Get after Delete = %v, want fs.ErrNotExist", err)
	}
	if err := d.Delete(ctx, "abc123"); err != nil {
		t.Errorf("Delete of a missing name = %v", err)
	}
}

func TestBadNames(t *testing.T) {
	ctx := context.Background()
	d, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"", "ab", "../etc/passwd", "a/b/c", ".hidden", "x\x00y", "名字名字"} {
		if err := d.Put(ctx, name, []byte("x")); err == nil {
			t.Errorf("Put(%q) accepted", name)
		}
		if _, err := d.Get(ctx, name); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("Get(%q) = %v, want fs.ErrNotExist", name, err)
		}
	}
	entries, _ := os.ReadDir(d.Root())
	if len(entries) != 0 {
		t.Errorf("bad names left %d entries", len(entries))
	}
}

// TestPutWhole writes the same names from many goroutines and checks that
// every read sees one whole content and no temporary file is left.
func TestPutWhole(t *testing.T) {
	ctx := context.Background()
	d, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			data := bytes.Repeat([]byte{byte('a' + i)}, 64<<10)
			if err := d.Put(ctx, fmt.Sprintf("name%d", i%4), data); err != nil {
				t.Error(err)
			}
		}(i)
	}
	wg.Wait()
	for i := 0; i < 4; i++ {
		got, err := d.Get(ctx, fmt.Sprintf("name%d", i))
		if err != nil || len(got) != 64<<10 || bytes.Count(got, got[:1]) != len(got) {
			t.Errorf("name%d: torn or missing (%d bytes, %v)", i, len(got), err)
		}
	}
	left, _ := filepath.Glob(filepath.Join(d.Root(), "*", ".put-*"))
	if len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := d.Put(cancelled, "late1", []byte("x")); err == nil {
		t.Error("Put with an ended context wrote")
	}
}
