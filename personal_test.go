package pingan

import "testing"

func TestMasks(t *testing.T) {
	tests := []struct {
		f        func(string) string
		in, want string
	}{
		{MaskName, "张三", "张*"},
		{MaskName, "欧阳娜娜", "欧***"},
		{MaskName, "李", "李*"},
		{MaskName, "", ""},
		{MaskPhone, "13812345678", "138****5678"},
		{MaskPhone, "0937-1234567", "093*****4567"},
		{MaskPhone, "12345", "*****"},
		{MaskID, "62090219800101123X", "620902**********3X"},
		{MaskID, "1234", "****"},
	}
	for _, tt := range tests {
		if got := tt.f(tt.in); got != tt.want {
			t.Errorf("mask(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	p := Person{Role: "applicant", Name: "王五", Phone: "13912345678", IDNumber: "620902198001011234"}.Masked()
	if p.Name != "王*" || p.Phone != "139****5678" || p.IDNumber != "620902**********34" || p.Role != "applicant" {
		t.Errorf("Masked = %+v", p)
	}
}

func TestInvalidNamesFields(t *testing.T) {
	var v Invalid
	if v.Err() != nil {
		t.Fatal("empty Invalid is an error")
	}
	v.Require("title", " ")
	v.Add("category", "category.unknown", "x")
	v.Add("category", "field.required")
	err := v.Err()
	e, ok := err.(*Error)
	if !ok || e.Code != EINVALID || e.Fields["title"].Key != "field.required" || e.Fields["category"].Key != "category.unknown" {
		t.Fatalf("Err = %#v", err)
	}
	if ErrorCode(err) != EINVALID || ErrorCode(nil) != "" {
		t.Errorf("ErrorCode")
	}
}
