package store

import (
	"strings"

	"github.com/pingan-gov/pingan"
)

// petitionFigures are the names of the measures of petitions whose cases a
// list can hold (pingan.MeasureNames), and matters (信访事项: petitions
// not merged into another as a repeat or 越级).
var petitionFigures = []string{"petitions", "petition_people", "matters", "pet_repeats", "pet_overreach",
	"pet_letters", "pet_letters_replied", "pet_decided", "pet_decided_on_time", "pet_accepted", "pet_answered",
	"pet_answered_on_time", "pet_extended", "pet_reviews", "pet_review_changed", "pet_rechecks", "pet_recheck_changed"}

// petitionFigure answers the conditions that select the petitions the
// measure of petitions named m counts (pingan.CaseTally,
// docs/petitions.md), for the lists the dashboard's figures of petitions
// open; an unknown name is added to v (field petition).
func petitionFigure(v *pingan.Invalid, m string, a *args) []string {
	known := false
	for _, f := range petitionFigures {
		known = known || f == m
	}
	if !known {
		v.Add("petition", "stats.petition.unknown", m, strings.Join(petitionFigures, "、"))
		return nil
	}
	// Every parameter added is used: PostgreSQL types each from its use.
	where := []string{"kind = " + a.add(string(pingan.KindPetition))}
	switch m {
	case "petitions", "petition_people":
		return where // merged ones included: every petition registered
	case "matters":
		return append(where, "pet_merged_as = ''")
	case "pet_repeats":
		return append(where, "pet_merged_as = "+a.add(string(pingan.MergeRepeat)))
	case "pet_overreach":
		return append(where, "pet_merged_as = "+a.add(string(pingan.MergeOverreach)))
	}
	// The others count matters: a merged petition counts nothing of them.
	where = append(where, "status <> "+a.add(string(pingan.StatusMerged)))
	answered := "((pet_level = 0 AND pet_answered_on IS NOT NULL) OR pet_level > 0)"
	changed := func(col string) string {
		return col + " IN (" + a.add(string(pingan.OpinionChange)) + ", " + a.add(string(pingan.OpinionRevoke)) + ")"
	}
	switch m {
	case "pet_letters":
		where = append(where, "pet_channel = "+a.add(string(pingan.PetitionLetter)))
	case "pet_letters_replied":
		where = append(where, "pet_channel = "+a.add(string(pingan.PetitionLetter)), "pet_replied = "+a.add(true))
	case "pet_decided":
		where = append(where, "pet_decided_on IS NOT NULL")
	case "pet_decided_on_time":
		where = append(where, "pet_decided_on IS NOT NULL", "pet_decide_late = "+a.add(false))
	case "pet_accepted":
		where = append(where, "pet_accepted_on IS NOT NULL")
	case "pet_answered":
		where = append(where, answered)
	case "pet_answered_on_time":
		where = append(where, answered, "pet_first_answer_late = "+a.add(false))
	case "pet_extended":
		where = append(where, "pet_extended_days > 0")
	case "pet_reviews":
		where = append(where, "pet_level >= 1")
	case "pet_review_changed":
		where = append(where, changed("pet_review_opinion"))
	case "pet_rechecks":
		where = append(where, "pet_level >= 2")
	case "pet_recheck_changed":
		where = append(where, changed("pet_recheck_opinion"))
	}
	return where
}
