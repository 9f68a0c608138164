package main

import (
	"context"
	"log/slog"
	"reflect"
	"testing"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/secret"
	"github.com/pingan-gov/pingan/store/storetest"
)

// TestServeWiresEveryService fails when a service of the API's or the
// pages' Config — an interface, a function or a pointer — is left unset by
// pingan serve: the routes of a nil service answer 404 and its menu entry
// disappears, which no other test of the served binary would notice.
func TestServeWiresEveryService(t *testing.T) {
	f := dbFlags{data: storetest.DataDir(t), passwords: secret.TestParams}
	db, err := f.open(context.Background(), pingan.SystemClock, true)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	logger := slog.New(slog.DiscardHandler)
	for name, cfg := range map[string]any{
		"api.Config": apiConfig(db, serveFlags{dbFlags: f}, pingan.SystemClock, logger),
		"web.Config": webConfig(db, serveFlags{dbFlags: f}, pingan.SystemClock, logger, false, func(string) {}),
		"open311Cfg": open311Config(db, serveFlags{dbFlags: f}, pingan.SystemClock, logger),
	} {
		v := reflect.ValueOf(cfg)
		checked := 0
		for i := range v.NumField() {
			switch fv := v.Field(i); fv.Kind() {
			case reflect.Interface, reflect.Func, reflect.Pointer:
				checked++
				if fv.IsNil() {
					t.Errorf("pingan serve leaves %s.%s unset", name, v.Type().Field(i).Name)
				}
			}
		}
		if checked < 10 && name != "open311Cfg" {
			t.Errorf("%s: only %d services checked", name, checked)
		}
	}
}
