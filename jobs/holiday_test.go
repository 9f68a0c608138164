package jobs

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/calendar"
	"github.com/pingan-gov/pingan/store/storetest"
)

func TestHolidayNotice(t *testing.T) {
	var log bytes.Buffer
	clock := storetest.NewClock(time.Date(2026, 9, 30, 9, 0, 0, 0, pingan.CST))
	h := &HolidayNotice{Calendar: calendar.Official(), Clock: clock, Logger: slog.New(slog.NewTextHandler(&log, nil))}
	if h.Check() {
		t.Error("reminded on 30 September")
	}
	clock.Set(time.Date(2026, 10, 1, 9, 0, 0, 0, pingan.CST))
	if !h.Check() || !strings.Contains(log.String(), "2027 年的节假日安排尚未录入") {
		t.Errorf("no reminder on 1 October: %s", log.String())
	}
	clock.Set(time.Date(2026, 10, 1, 18, 0, 0, 0, pingan.CST))
	if h.Check() {
		t.Error("reminded twice on one day")
	}
	clock.Set(time.Date(2026, 10, 2, 9, 0, 0, 0, pingan.CST))
	if !h.Check() {
		t.Error("no reminder the next day")
	}
	// Once the year is entered, nothing more.
	entered, err := calendar.Official().With(map[int]calendar.Year{2027: {}})
	if err != nil {
		t.Fatal(err)
	}
	h.Calendar = entered
	clock.Set(time.Date(2026, 10, 3, 9, 0, 0, 0, pingan.CST))
	if h.Check() {
		t.Error("reminded after the year was entered")
	}
}
