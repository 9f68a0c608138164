package main

import (
	"context"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/secret"
	"github.com/pingan-gov/pingan/store/storetest"
)

// TestKeyChecked: a start with a key that does not open the database's
// personal data, or with none, refuses with a sentence saying which key is
// wanted and where one is looked for, and never makes a new key for a
// database that holds sealed data.
func TestKeyChecked(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { testKeyChecked(t, "") })
	t.Run("postgres", func(t *testing.T) { testKeyChecked(t, storetest.PostgresDSN(t)) })
}

func testKeyChecked(t *testing.T, dsn string) {
	ctx := context.Background()
	data := filepath.Join(t.TempDir(), "data")
	keyFile := filepath.Join(data, secret.KeyFile)
	f := &dbFlags{db: dsn, data: data, passwords: secret.TestParams}
	clock := storetest.NewClock(storetest.Epoch)
	t.Setenv(secret.KeyEnv, "")

	// The first start makes key A, in the data directory.
	db, err := f.open(ctx, clock, true)
	if err != nil {
		t.Fatal(err)
	}
	fx := storetest.Seed(t, db)
	if _, err := db.Cases.CreateCase(ctx, fx.GridWorker, &pingan.NewCase{Kind: pingan.KindDispute, Category: "0102", Title: "漏水",
		Reporter: &pingan.Person{Name: "张三丰", Phone: "13812345678"}}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	keyA, err := os.ReadFile(keyFile)
	if err != nil {
		t.Fatalf("no key file after the first start: %v", err)
	}
	a, _ := secret.ParseKey(string(keyA))

	// Key B from the environment: refused, naming the key wanted and where.
	b, _ := secret.GenerateKey()
	t.Setenv(secret.KeyEnv, hex.EncodeToString(b))
	_, err = f.open(ctx, clock, true)
	for _, want := range []string{"拒绝启动", "refusing to start", secret.KeyEnv, secret.KeyID(a), secret.KeyID(b), keyFile} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("started with key B: %v; want a refusal naming %q", err, want)
		}
	}

	// Key A from its file again: fine.
	t.Setenv(secret.KeyEnv, "")
	db, err = f.open(ctx, clock, true)
	if err != nil {
		t.Fatalf("started with key A: %v", err)
	}
	if _, _, err := db.Cases.FindCases(ctx, fx.Admin, pingan.CaseFilter{}); err != nil {
		t.Errorf("list with key A: %v", err)
	}
	db.Close()

	// The key file deleted: refused, and no new key written.
	os.Remove(keyFile)
	_, err = f.open(ctx, clock, true)
	for _, want := range []string{"拒绝启动", secret.KeyEnv, keyFile, secret.KeyID(a)} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("started without the key: %v; want a refusal naming %q", err, want)
		}
	}
	if _, err := os.Stat(keyFile); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a new key file was written for a database with sealed data: %v", err)
	}
}
