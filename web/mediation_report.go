package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/pingan-gov/pingan"
)

// The parties and facts of a dispute in the report forms (the staff's
// /report and the grid worker's /m): a table of parties (当事人: role,
// type, name, phone, optionally ID number and address), the amount in
// dispute typed in yuan (标的额, kept in fen) and the people involved
// (涉及人数). The store checks them with the rest of the report, once.

// formParties is how many rows of parties a report form offers at least:
// a dispute has two sides; a small script adds rows (static/mediation.js).
const formParties = 2

// partyFields are the fields of a row of parties, in the table's order.
var partyFields = []string{"role", "type", "name", "phone", "id_number", "address"}

// partyField names a field of the party numbered no (from 1), as the
// domain names it in its errors.
func partyField(no int, field string) string {
	return "parties." + strconv.Itoa(no) + "." + field
}

// The phone page shows the errors of the parties and facts at their one
// place, beside the table (phonePlaces, mobile.go).
func init() {
	phonePlaces["parties"] = "dispute"
	phonePlaces["dispute.amount_fen"] = "dispute"
	phonePlaces["dispute.people"] = "dispute"
	for i := 1; i <= pingan.MaxParties; i++ {
		for _, f := range []string{"name", "phone", "id_number", "address", "role", "type"} {
			phonePlaces[partyField(i, f)] = "dispute"
		}
	}
}

// partyRow is a row of the parties' table of a report form.
type partyRow struct {
	No                                         int
	Role, Type, Name, Phone, IDNumber, Address string

	errs map[string]string
}

// F names the field of the row.
func (p partyRow) F(field string) string { return partyField(p.No, field) }

// E answers the error of the row's field.
func (p partyRow) E(field string) string { return p.errs[p.F(field)] }

// partyRows answers the rows of the parties' table: what was typed (a
// refused form's values), and empty rows up to formParties, the first an
// applicant, the second a respondent.
func partyRows(values, errs map[string]string) []partyRow {
	n := formParties
	for i := 1; i <= pingan.MaxParties; i++ {
		if values[partyField(i, "name")] != "" || values[partyField(i, "phone")] != "" ||
			values[partyField(i, "id_number")] != "" || values[partyField(i, "address")] != "" {
			n = max(n, i)
		}
	}
	out := make([]partyRow, n)
	for i := range out {
		no := i + 1
		v := func(f string) string { return values[partyField(no, f)] }
		row := partyRow{No: no, Role: v("role"), Type: v("type"), Name: v("name"), Phone: v("phone"), IDNumber: v("id_number"),
			Address: v("address"), errs: errs}
		if row.Role == "" {
			row.Role = pingan.PartyOther
			switch no {
			case 1:
				row.Role = pingan.PartyApplicant
			case 2:
				row.Role = pingan.PartyRespondent
			}
		}
		out[i] = row
	}
	return out
}

// partyInputs answers the rows of parties of the form that hold
// something (a name, a phone number, an ID number or an address), in
// order, each as its six fields; an empty row is skipped, so the parties
// are numbered as the domain numbers them.
func partyInputs(r *http.Request) [][]string {
	var out [][]string
	for i := 1; i <= pingan.MaxParties+formParties; i++ {
		row := make([]string, len(partyFields))
		filled := false
		for j, f := range partyFields {
			row[j] = strings.TrimSpace(r.PostFormValue(partyField(i, f)))
			filled = filled || (f != "role" && f != "type" && row[j] != "")
		}
		if filled {
			out = append(out, row)
		}
	}
	return out
}

// readParties reads the parties of a report form.
func readParties(r *http.Request) []pingan.Person {
	var out []pingan.Person
	for _, row := range partyInputs(r) {
		out = append(out, pingan.Person{Role: row[0], Type: pingan.PartyType(row[1]), Name: row[2], Phone: row[3],
			IDNumber: row[4], Address: row[5]})
	}
	return out
}

// disputeValues answers what was typed in the parties and facts of a
// refused report, the parties renumbered as they were read.
func disputeValues(r *http.Request) map[string]string {
	out := map[string]string{"dispute.amount": r.PostFormValue("dispute.amount"), "dispute.people": r.PostFormValue("dispute.people"),
		"dispute.volatile": r.PostFormValue("dispute.volatile")}
	for i, row := range partyInputs(r) {
		for j, f := range partyFields {
			out[partyField(i+1, f)] = row[j]
		}
	}
	return out
}

// readDispute reads the facts of a dispute into in: nil when none is
// typed. What is no amount or no number is passed on out of range and
// named in bad, whose words win over the domain's (createReport).
func readDispute(r *http.Request, in *pingan.NewCase, bad *pingan.Invalid) {
	amount, people := strings.TrimSpace(r.PostFormValue("dispute.amount")), strings.TrimSpace(r.PostFormValue("dispute.people"))
	volatile := r.PostFormValue("dispute.volatile") != "" // 可能激化, read by the warning rules
	if amount == "" && people == "" && !volatile {
		return
	}
	f := &pingan.DisputeFacts{Volatile: volatile}
	fen, ok := parseYuan(amount)
	if !ok {
		fen = -1
		bad.Add("dispute.amount_fen", "mw.amount.bad")
	}
	f.AmountFen = fen
	if people != "" {
		n, err := strconv.Atoi(people)
		if err != nil {
			n = -1
			bad.Add("dispute.people", "mw.people.bad")
		}
		f.People = n
	}
	in.Dispute = f
}
