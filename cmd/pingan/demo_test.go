package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
)

func TestDemoNow(t *testing.T) {
	now := time.Date(2026, 11, 23, 15, 30, 0, 0, pingan.CST)
	for _, tt := range []struct{ in, want string }{
		{"", "2026-11-23T00:00:00+08:00"},
		{"2026-03-02", "2026-03-02T00:00:00+08:00"},
		{"2026-11-23T09:15", "2026-11-23T09:15:00+08:00"},
		{"2026-11-20 18:00", "2026-11-20T18:00:00+08:00"},
		{"2026-11-23T01:00:00Z", "2026-11-23T09:00:00+08:00"},
	} {
		got, err := demoNow(tt.in, now)
		if err != nil || got.In(pingan.CST).Format(time.RFC3339) != tt.want {
			t.Errorf("demoNow(%q) = %v, %v; want %s", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"yesterday", "2026-11-24", "2026-11-23T16:00", "23.11.2026"} {
		if _, err := demoNow(bad, now); err == nil {
			t.Errorf("demoNow(%q): want an error", bad)
		}
	}
}

// TestDemo builds a small demo city with the command, prints its accounts
// and counts, and finds it the second time.
func TestDemo(t *testing.T) {
	skipSerialBuild(t)
	dir := t.TempDir()
	t.Setenv("PINGAN_SECRET_KEY", "")
	args := []string{"demo", "--no-serve", "--data", dir, "--city", "500114", "--days", "7", "--cases", "40", "--now", "2026-11-23"}
	var out, errs bytes.Buffer
	if err := run(context.Background(), args, nil, &out, &errs); err != nil {
		t.Fatalf("%v\n%s", err, errs.String())
	}
	for _, want := range []string{"qianjiang_centre", "chengdong_centre", "gridworker", "500114001001001", "gl_500114001001"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the accounts lack %s:\n%s", want, out.String())
		}
	}
	for _, want := range []string{"黔江区（500114）已生成", "网格", "已结案"} {
		if !strings.Contains(errs.String(), want) {
			t.Errorf("the summary lacks %s:\n%s", want, errs.String())
		}
	}
	out.Reset()
	errs.Reset()
	if err := run(context.Background(), args, nil, &out, &errs); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(errs.String(), "已存在") || !strings.Contains(out.String(), "qianjiang_centre") {
		t.Errorf("the second run:\n%s\n%s", errs.String(), out.String())
	}
	if err := run(context.Background(), []string{"demo", "--no-serve", "--data", t.TempDir(), "--city", "110000"}, nil, &out, &errs); err == nil {
		t.Error("an unknown city: no error")
	}
}
