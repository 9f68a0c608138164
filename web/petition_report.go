package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/pingan-gov/pingan"
)

// A petition's registration in the staff's report form (信访登记,
// pingan.PetitionFacts): the channel (来信, 来访, 来电, 网上信访, 12345
// 转办), the day it was received, a letter's postmark and the people who
// came, with up to five representatives of a visit by many (代表人, art.
// 20), each a party with the role representative: sealed and masked like
// every party. The store checks them with the rest of the report, once.

// formReps is how many rows of representatives the form offers at least;
// the rows' script adds more (static/mediation.js).
const formReps = 1

// repFields are the fields of a row of representatives.
var repFields = []string{"name", "phone", "id_number"}

// repField names a field of the representative numbered no (from 1).
func repField(no int, field string) string {
	return "representatives." + strconv.Itoa(no) + "." + field
}

// petitionFields are the registration's fields of the report form, named
// as the domain names them in its errors.
var petitionFields = []string{"petition.channel", "petition.received_on", "petition.postmarked_on", "petition.people"}

// repRow is a row of the representatives' table of the report form.
type repRow struct {
	No                    int
	Name, Phone, IDNumber string

	errs map[string]string
}

// F names the field of the row; E answers its error.
func (p repRow) F(field string) string { return repField(p.No, field) }
func (p repRow) E(field string) string { return p.errs[p.F(field)] }

// repRows answers the rows of the representatives' table: what was typed
// in a refused form, and empty rows up to formReps.
func repRows(values, errs map[string]string) []repRow {
	n := formReps
	for i := 1; i <= pingan.MaxRepresentatives+formReps+2; i++ {
		for _, f := range repFields {
			if values[repField(i, f)] != "" {
				n = max(n, i)
			}
		}
	}
	out := make([]repRow, n)
	for i := range out {
		no := i + 1
		out[i] = repRow{No: no, Name: values[repField(no, "name")], Phone: values[repField(no, "phone")],
			IDNumber: values[repField(no, "id_number")], errs: errs}
	}
	return out
}

// repInputs answers the rows of representatives that hold something, in
// order; an empty row is skipped.
func repInputs(r *http.Request) [][]string {
	var out [][]string
	for i := 1; i <= pingan.MaxRepresentatives+formReps+2; i++ {
		row := make([]string, len(repFields))
		filled := false
		for j, f := range repFields {
			row[j] = strings.TrimSpace(r.PostFormValue(repField(i, f)))
			filled = filled || row[j] != ""
		}
		if filled {
			out = append(out, row)
		}
	}
	return out
}

// readPetitionReport reads a petition's registration and representatives
// into in, after the other parties. What cannot be read (a day that is no
// day, people that are no number) is passed on out of range, so that the
// domain refuses the report, and named in bad, whose words win
// (createReport).
func readPetitionReport(r *http.Request, in *pingan.NewCase, bad *pingan.Invalid) {
	for _, row := range repInputs(r) {
		in.Parties = append(in.Parties, pingan.Person{Role: pingan.PartyRepresentative, Type: pingan.PartyPerson,
			Name: row[0], Phone: row[1], IDNumber: row[2]})
	}
	val := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	ch, received, postmark, people := val("petition.channel"), val("petition.received_on"), val("petition.postmarked_on"), val("petition.people")
	if ch == "" && received == "" && postmark == "" && people == "" {
		return // a petition without one: the store infers it (pingan.PetitionFactsOf)
	}
	f := &pingan.PetitionFacts{Channel: pingan.PetitionChannel(ch)}
	f.ReceivedOn = readDay(received, "petition.received_on", bad)
	if postmark != "" {
		t := readDay(postmark, "petition.postmarked_on", bad)
		if t.IsZero() {
			// After the day received: refused whatever the channel.
			t = f.ReceivedOn.Add(48 * time.Hour)
		}
		f.PostmarkedOn = &t
	}
	if people != "" {
		n, err := strconv.Atoi(people)
		if err != nil {
			n = -1
			bad.Add("petition.people", "pw.number.bad")
		}
		f.People = n
	}
	in.Petition = f
}

// petitionReportValues answers what was typed in the registration and the
// representatives of a refused report, the representatives renumbered as
// they were read.
func petitionReportValues(r *http.Request) map[string]string {
	out := map[string]string{}
	for _, f := range petitionFields {
		out[f] = r.PostFormValue(f)
	}
	for i, row := range repInputs(r) {
		for j, f := range repFields {
			out[repField(i+1, f)] = row[j]
		}
	}
	return out
}

// repErrors moves the errors the domain names on the parties that are
// representatives (parties.N, after the others) to the representatives'
// rows (representatives.M), and the refusal of too many of them beside
// their table.
func repErrors(r *http.Request, errs map[string]string) {
	others := len(partyInputs(r))
	if name, phone := strings.TrimSpace(r.PostFormValue("party_name")), strings.TrimSpace(r.PostFormValue("party_phone")); name != "" || phone != "" {
		others++
	}
	reps := len(repInputs(r))
	for i := 1; i <= reps; i++ {
		for _, f := range append([]string{"role", "type", "address"}, repFields...) {
			k := partyField(others+i, f)
			if e, ok := errs[k]; ok {
				delete(errs, k)
				if f == "role" || f == "type" || f == "address" {
					f = "name"
				}
				errs[repField(i, f)] = e
			}
		}
	}
	if e, ok := errs["parties"]; ok && reps > pingan.MaxRepresentatives {
		delete(errs, "parties")
		errs["representatives"] = e
	}
}

// PetitionChannels lists the channels of a petition.
func (v *view) PetitionChannels() []pingan.PetitionChannel { return pingan.PetitionChannels }

// PetitionChannel names a channel.
func (v *view) PetitionChannel(c pingan.PetitionChannel) string {
	return v.T("petition.channel." + string(c))
}

// RepRows answers the rows of the representatives' table of the form.
func (f *reportForm) RepRows() []repRow { return repRows(f.Values, f.Errors) }
