package pingan

import (
	"bytes"
	"image"
	"image/jpeg"
	"math"
	"strings"
	"testing"
	"time"
)

func TestNewCaseValidate(t *testing.T) {
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, CST)
	water := &Category{Code: "0301", Kind: KindService}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, image.NewGray(image.Rect(0, 0, 2, 2)), nil); err != nil {
		t.Fatal(err)
	}
	photo := buf.Bytes() // a real JPEG: photos are checked by content
	for _, tt := range []struct {
		name string
		in   NewCase
		cat  *Category
		want map[string]string // field → message key; empty: valid
	}{
		{"good", NewCase{Category: "0301", Title: "漏水"}, water, nil},
		{"kind from category", NewCase{Category: "0301", Description: "楼道漏水"}, water, nil},
		{"missing title and on-site result together",
			NewCase{Category: "0301", ResolvedOnSite: true}, water,
			map[string]string{"title": "report.title.required", "result": "report.result.required"}},
		{"no category", NewCase{Title: "x"}, nil, map[string]string{"category": "field.required"}},
		{"unknown category", NewCase{Category: "9999", Title: "x"}, nil, map[string]string{"category": "report.category.unknown"}},
		{"kind and category disagree", NewCase{Kind: KindDispute, Category: "0301", Title: "x"}, water,
			map[string]string{"category": "report.category.kind"}},
		{"unknown kind", NewCase{Kind: "weather", Category: "0301", Title: "x"}, water,
			map[string]string{"kind": "report.kind.unknown"}},
		{"long texts", NewCase{Category: "0301", Title: strings.Repeat("长", MaxTitle+1), Description: strings.Repeat("长", MaxDescription+1)}, water,
			map[string]string{"title": "report.title.long", "description": "report.description.long"}},
		{"coordinates", NewCase{Category: "0301", Title: "x", Location: &Location{Lat: 91, Lng: math.NaN()}}, water,
			map[string]string{"location.lat": "report.lat.range", "location.lng": "report.lng.number"}},
		{"source", NewCase{Category: "0301", Title: "x", Source: "pigeon"}, water, map[string]string{"source": "report.source.unknown"}},
		{"future", NewCase{Category: "0301", Title: "x", ReportedAt: now.Add(time.Hour)}, water, map[string]string{"reported_at": "report.time.future"}},
		{"photo not an image", NewCase{Category: "0301", Title: "x", Photos: []Upload{{Name: "a.txt", Data: []byte("hello")}}}, water,
			map[string]string{"photos": "photo.type"}},
		{"photos", NewCase{Category: "0301", Title: "x", Photos: []Upload{{Name: "a.jpg", Data: photo}}}, water, nil},
		{"too many photos", NewCase{Category: "0301", Title: "x", Photos: make([]Upload, MaxPhotos+1)}, water,
			map[string]string{"photos": "photo.many"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.in
			in.Normalize(tt.cat)
			var v Invalid
			in.Validate(&v, tt.cat, now)
			err := v.Err()
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("Validate = %v, want nil", err)
				}
				return
			}
			e, ok := err.(*Error)
			if !ok {
				t.Fatalf("Validate = %v, want an *Error", err)
			}
			if len(e.Fields) != len(tt.want) {
				t.Errorf("fields %v, want %v", e.Fields, tt.want)
			}
			for f, key := range tt.want {
				if e.Fields[f].Key != key {
					t.Errorf("field %s: %q, want %q", f, e.Fields[f].Key, key)
				}
			}
		})
	}
}

func TestNormalize(t *testing.T) {
	in := NewCase{Category: " 0301 ", Description: "  楼道 \n 漏水，已经持续三天了，楼下住户的天花板也开始渗水，墙皮大片脱落，电线也被泡了，请物业和社区尽快派人来看看吧，谢谢  "}
	in.Normalize(&Category{Code: "0301", Kind: KindService})
	if in.Kind != KindService || in.Category != "0301" {
		t.Errorf("kind %q category %q", in.Kind, in.Category)
	}
	if !strings.HasPrefix(in.Title, "楼道 漏水") || !strings.HasSuffix(in.Title, "…") || len([]rune(in.Title)) != TitleFromDescription+1 {
		t.Errorf("title from the description = %q", in.Title)
	}
	given := NewCase{Title: "标题", Description: "描述"}
	given.Normalize(nil)
	if given.Title != "标题" || given.Kind != "" {
		t.Errorf("a given title was replaced: %+v", given)
	}
}

// Normalize tidies the report's own copy of its parties: a slice the
// caller shares between reports (a form's template, two goroutines) is
// left as it was.
func TestNormalizeKeepsTheCallersParties(t *testing.T) {
	shared := []Person{{Name: " 李四 ", Phone: " 13987654321 "}}
	in := &NewCase{Title: "噪音扰民", Parties: shared}
	in.Normalize(nil)
	if in.Parties[0].Name != "李四" || in.Parties[0].Role != PartyOther {
		t.Errorf("the report's party %+v is not tidied", in.Parties[0])
	}
	if shared[0].Name != " 李四 " || shared[0].Role != "" {
		t.Errorf("the caller's slice was changed: %+v", shared[0])
	}
}
