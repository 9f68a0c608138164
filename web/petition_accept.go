package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/pingan-gov/pingan"
)

// The registration of a petition at the centre's 受理: a petition reported
// without one (the public form, a 12345 transfer) has it inferred from its
// source (pingan.PetitionFactsOf); the dispatcher who accepts it corrects
// the channel, the day received, a letter's postmark and the people, and
// the 15 days count again from the day received (workflow/petition.go).
// The form is filled with the registration the case holds, which it
// carries too (petition.was); it is sent on only when something in it was
// changed.

// acceptPetitionFields are the registration's fields of the 受理 form.
var acceptPetitionFields = []string{"petition.channel", "petition.received_on", "petition.postmarked_on", "petition.people"}

// acceptPetition is the registration shown in the 受理 form.
type acceptPetition struct {
	Channel, ReceivedOn, PostmarkedOn, People string
	// Was is the registration the case holds, as Key writes it.
	Was string
}

// Key writes the registration in one line, to compare.
func (a acceptPetition) Key() string {
	return strings.Join([]string{a.Channel, a.ReceivedOn, a.PostmarkedOn, a.People}, "|")
}

// acceptPetitionOf answers the registration c holds, as the form writes it.
func acceptPetitionOf(c *pingan.Case) acceptPetition {
	var a acceptPetition
	if c == nil || c.Petition == nil {
		return a
	}
	f := c.Petition.PetitionFacts
	a.Channel = string(f.Channel)
	if !f.ReceivedOn.IsZero() {
		a.ReceivedOn = pingan.Day(f.ReceivedOn)
	}
	if f.PostmarkedOn != nil {
		a.PostmarkedOn = pingan.Day(*f.PostmarkedOn)
	}
	if f.People > 0 {
		a.People = strconv.Itoa(f.People)
	}
	return a
}

// AcceptPetition answers the registration the 受理 form of c shows: what
// was typed in a refused form (values), else what the case holds.
func (v *view) AcceptPetition(c *pingan.Case, values map[string]string) acceptPetition {
	a := acceptPetitionOf(c)
	was := a.Key()
	if _, typed := values["petition.channel"]; typed {
		a = acceptPetition{Channel: values["petition.channel"], ReceivedOn: values["petition.received_on"],
			PostmarkedOn: values["petition.postmarked_on"], People: values["petition.people"]}
	}
	a.Was = was
	return a
}

// acceptPetitionValues answers what was typed in the registration of a
// refused 受理 form.
func acceptPetitionValues(r *http.Request) map[string]string {
	out := map[string]string{}
	for _, k := range acceptPetitionFields {
		if vs, ok := r.PostForm[k]; ok && len(vs) > 0 {
			out[k] = vs[0]
		}
	}
	return out
}

// readAcceptPetition reads the registration of the 受理 form into in when
// it differs from the one the case held when the form was drawn
// (petition.was); what cannot be read is passed on out of range and named
// in bad (readPetitionReport).
func readAcceptPetition(r *http.Request, in *pingan.ActionInput, bad *pingan.Invalid) {
	if _, ok := r.PostForm["petition.channel"]; !ok {
		return
	}
	typed := acceptPetition{}
	for i, k := range acceptPetitionFields {
		s := strings.TrimSpace(r.PostFormValue(k))
		switch i {
		case 0:
			typed.Channel = s
		case 1:
			typed.ReceivedOn = s
		case 2:
			typed.PostmarkedOn = s
		case 3:
			typed.People = s
		}
	}
	if typed.Key() == r.PostFormValue("petition.was") {
		return // unchanged: the registration stays as it is
	}
	var nc pingan.NewCase
	readPetitionReport(r, &nc, bad)
	if nc.Petition == nil {
		// Emptied: the channel and the day received are required.
		nc.Petition = &pingan.PetitionFacts{}
	}
	in.Petition = nc.Petition
}
