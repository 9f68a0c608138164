package pingan_test

import (
	"testing"

	"github.com/pingan-gov/pingan"
)

// An Open311 report's own checks name each bad field by its Open311 name,
// and its facts become the case's.
func TestOpen311ReportValidate(t *testing.T) {
	good := func() *pingan.Open311Report {
		return &pingan.Open311Report{ServiceCode: "0102", Description: "楼上漏水", Location: &pingan.Location{Lat: 39.7, Lng: 98.5}}
	}
	for _, tc := range []struct {
		field string
		mod   func(*pingan.Open311Report)
	}{
		{"service_code", func(in *pingan.Open311Report) { in.ServiceCode = "" }},
		{"description", func(in *pingan.Open311Report) { in.Description = "" }},
		{"lat", func(in *pingan.Open311Report) { in.Location = nil }},
		{"lat", func(in *pingan.Open311Report) { in.Location = &pingan.Location{Lat: 91, Lng: 0} }},
		{"address_id", func(in *pingan.Open311Report) { in.AddressID = "1" }},
		{"email", func(in *pingan.Open311Report) { in.Email = "no-at-sign" }},
		{"media_url", func(in *pingan.Open311Report) { in.MediaURL = "javascript:alert(1)" }},
		{"phone", func(in *pingan.Open311Report) { in.Phone = "138\x00" }},
		{"first_name", func(in *pingan.Open311Report) { in.FirstName = "三\u0085四" }},
		{"attribute[amount]", func(in *pingan.Open311Report) { in.Attributes = map[string]string{"amount": "-1"} }},
		{"attribute[amount]", func(in *pingan.Open311Report) { in.Attributes = map[string]string{"amount": "NaN"} }},
		{"attribute[amount]", func(in *pingan.Open311Report) { in.Attributes = map[string]string{"amount": "+Inf"} }},
		{"deviceid", func(in *pingan.Open311Report) { in.DeviceID, in.DeviceField = "dev\x07", "deviceid" }},
		{"device_id", func(in *pingan.Open311Report) { in.DeviceID = "dev\x07" }},
	} {
		in := good()
		tc.mod(in)
		in.Normalize()
		var v pingan.Invalid
		in.Validate(&v, pingan.KindDispute)
		if !v.Has(tc.field) {
			t.Errorf("%s: not named (%v)", tc.field, v.Err())
		}
	}
	var v pingan.Invalid
	in := good()
	in.Validate(&v, pingan.KindDispute)
	if err := v.Err(); err != nil {
		t.Fatalf("a good report: %v", err)
	}
	in.FirstName, in.LastName, in.Attributes = "张", "三", map[string]string{"people": "2", "amount": "10.5"}
	nc := in.NewCase(&pingan.Category{Code: "0102", Kind: pingan.KindDispute})
	if nc.Source != pingan.SourceOpen311 || nc.Reporter.Name != "张三" || nc.Dispute.People != 2 || nc.Dispute.AmountFen != 1050 {
		t.Errorf("the case: %+v %+v %+v", nc, nc.Reporter, nc.Dispute)
	}
	in.FirstName, in.LastName = "Jane", "Doe"
	if nc := in.NewCase(&pingan.Category{Code: "0102", Kind: pingan.KindDispute}); nc.Reporter.Name != "Jane Doe" {
		t.Errorf("a Latin name: %q", nc.Reporter.Name)
	}
}
