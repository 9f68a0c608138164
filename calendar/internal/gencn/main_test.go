package main

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestConvert(t *testing.T) {
	// A notice for 2019 placing days in December 2018 (as the real one did):
	// 2018-12-30..2019-01-01 off, 2018-12-29 (Saturday) worked.
	in := `{
	  "holidays": {
	    "2018-12-30": "New Year's Day,元旦,1",
	    "2018-12-31": "New Year's Day,元旦,1",
	    "2019-01-01": "New Year's Day,元旦,1"
	  },
	  "workdays": {"2018-12-29": "New Year's Day,元旦,1"},
	  "inLieuDays": {"2018-12-31": "New Year's Day,元旦,1"}
	}`
	out, years, err := convert([]byte(in), "test source")
	if err != nil {
		t.Fatal(err)
	}
	if len(years) != 2 || years[0] != 2018 || years[1] != 2019 {
		t.Errorf("years = %v, want [2018 2019]", years)
	}
	var got output
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	if got.Source != "test source" {
		t.Errorf("source = %q", got.Source)
	}
	if got.Years["2018"].Holidays["2018-12-31"] != "元旦" || got.Years["2018"].Workdays["2018-12-29"] != "元旦" {
		t.Errorf("2018 = %+v", got.Years["2018"])
	}
	if len(got.Years["2019"].Holidays) != 1 || len(got.Years["2019"].Workdays) != 0 {
		t.Errorf("2019 = %+v", got.Years["2019"])
	}
	if !strings.Contains(string(out), `"2019-01-01": "元旦"`) {
		t.Errorf("Chinese not written as UTF-8:\n%s", out)
	}
}

func TestConvertRejects(t *testing.T) {
	tests := map[string]string{
		"no holidays":       `{"holidays": {}}`,
		"bad value":         `{"holidays": {"2026-01-01": "New Year's Day"}}`,
		"bad date":          `{"holidays": {"2026-02-30": "a,元旦,1"}}`,
		"weekday workday":   `{"holidays": {"2026-01-01": "a,元旦,1"}, "workdays": {"2026-01-05": "a,元旦,1"}}`,
		"holiday & workday": `{"holidays": {"2026-01-04": "a,元旦,1"}, "workdays": {"2026-01-04": "a,元旦,1"}}`,
		"gap":               `{"holidays": {"2024-01-01": "a,元旦,1", "2026-01-01": "a,元旦,1"}}`,
		"stray in-lieu day": `{"holidays": {"2026-01-01": "a,元旦,1"}, "inLieuDays": {"2026-01-02": "a,元旦,1"}}`,
	}
	for name, in := range tests {
		if _, _, err := convert([]byte(in), "x"); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
