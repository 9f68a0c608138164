package web

import (
	"context"
	"errors"
	"maps"
	"net/http"
	"strings"

	"github.com/pingan-gov/pingan"
)

// A petition's registration on the grid worker's phone (信访登记 of a
// visit, petition_report.go): for a petition category the quick report
// takes the channel (来访 unless changed: a grid worker receives people),
// the day received (today unless changed), the people who came and up to
// five representatives (代表人), sent as NewCase.Petition and parties with
// the role representative, through the outbox too. The fields are shown
// for a petition category only; the page's script turns them off for the
// others, and the server leaves them out of a report of another kind, so
// that their defaults never refuse it.

// The phone shows the errors of the registration and the representatives
// at their one place, beside them (phonePlaces, mobile.go).
func init() {
	phonePlaces["petition"] = "petition"
	phonePlaces["representatives"] = "petition"
	for _, f := range petitionFields {
		phonePlaces[f] = "petition"
	}
	for i := 1; i <= pingan.MaxRepresentatives+formReps+2; i++ {
		for _, f := range repFields {
			phonePlaces[repField(i, f)] = "petition"
		}
	}
}

// phonePetition is the registration card of the quick report.
type phonePetition struct {
	// On says the category chosen is a petition's: the fields are sent.
	On bool
	// Cats are the codes of the petition categories, for the script.
	Cats string
	Reps []repRow
	// NoErrors: the errors are shown at the card's one place.
	NoErrors map[string]string
}

// petitionCodes answers the codes of the petition categories.
func petitionCodes(cats []*pingan.Category) []string {
	var out []string
	for _, c := range cats {
		if c.Kind == pingan.KindPetition {
			out = append(out, c.Code)
		}
	}
	return out
}

// fillPhonePetition fills the registration card of d from values (a
// refused report's), the channel and the day received defaulted to a visit
// received today.
func (s *Server) fillPhonePetition(d *mobileData, values map[string]string) {
	codes := petitionCodes(d.Categories)
	cat := values["category"]
	on := false
	for _, c := range codes {
		on = on || c == cat
	}
	if values["petition.channel"] == "" {
		values["petition.channel"] = string(pingan.PetitionVisit)
	}
	if values["petition.received_on"] == "" {
		values["petition.received_on"] = pingan.Day(s.clock.Now())
	}
	d.Petition = &phonePetition{On: on, Cats: strings.Join(codes, " "), Reps: repRows(values, nil), NoErrors: map[string]string{}}
}

// phoneOnlyPetition leaves the registration and the representatives out
// of a quick report whose category is not a petition's.
func (s *Server) phoneOnlyPetition(ctx context.Context, r *http.Request) error {
	cats, err := s.categories.Categories(ctx)
	if err != nil {
		return err
	}
	cat := strings.TrimSpace(r.PostFormValue("category"))
	for _, c := range cats {
		if c.Code == cat && c.Kind == pingan.KindPetition {
			return nil
		}
	}
	for k := range r.PostForm {
		if strings.HasPrefix(k, "petition.") || strings.HasPrefix(k, "representatives.") {
			delete(r.PostForm, k)
			if r.MultipartForm != nil {
				delete(r.MultipartForm.Value, k)
			}
		}
	}
	return nil
}

// phonePetitionValues answers what was typed in the registration and the
// representatives of a refused quick report.
func phonePetitionValues(r *http.Request) map[string]string {
	out := petitionReportValues(r)
	maps.DeleteFunc(out, func(_, v string) bool { return v == "" })
	return out
}

// phoneRepErrors answers err with the errors the domain names on the
// parties that are representatives moved to the representatives' rows,
// as the staff's form does (repErrors), for both the page and the script.
func phoneRepErrors(r *http.Request, err error) error {
	var pe *pingan.Error
	if !errors.As(err, &pe) || len(pe.Fields) == 0 {
		return err
	}
	byText := map[string]string{}
	for k := range pe.Fields {
		byText[k] = k
	}
	repErrors(r, byText) // old name → new name, as the form's errors move
	moved := *pe
	moved.Fields = map[string]pingan.Message{}
	for newName, oldName := range byText {
		moved.Fields[newName] = pe.Fields[oldName]
	}
	return &moved
}
