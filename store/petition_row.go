package store

import (
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"strconv"
	"strings"
	"unicode"

	"github.com/pingan-gov/pingan"
)

// The state of a petition (信访) on its case row (pingan.Petition,
// migration 0024): read with every case and with what the counters count
// of it, written with a new petition and by updateCase. The petitioner's
// key (petitioner_key) is written with a new petition only, and read only
// by the suggestion of similar matters (petition.go).

// casePetitionColumns are the columns of pingan.Petition, in the order of
// petitionScan.dest and petitionArgs.
const casePetitionColumns = `pet_channel, pet_received_on, pet_postmarked_on, pet_people, pet_stage, pet_forward_mode,
	pet_decided_on, pet_decide_late, pet_accepted_on, pet_extended_days, pet_level, pet_opinion, pet_answered_on,
	pet_answer_late, pet_delivered_on, pet_replied, pet_first_answer_late, pet_review_opinion, pet_recheck_opinion,
	pet_requested_on, pet_late_reason, pet_merged_as, pet_repeats, pet_lead, pet_lead_name`

// petitionColumnNames are the casePetitionColumns one by one.
var petitionColumnNames = func() []string {
	var out []string
	for _, c := range strings.Split(casePetitionColumns, ",") {
		out = append(out, strings.TrimSpace(c))
	}
	return out
}()

// petitionSet answers the SET clause of the casePetitionColumns with the
// placeholders from $first on.
func petitionSet(first int) string {
	parts := make([]string, len(petitionColumnNames))
	for i, c := range petitionColumnNames {
		parts[i] = c + " = $" + strconv.Itoa(first+i)
	}
	return strings.Join(parts, ", ")
}

// petitionScan receives the casePetitionColumns.
type petitionScan struct {
	p                                                          pingan.Petition
	channel, stage, mode, opinion, review, recheck, merged     string
	received, postmarked, decided, accepted, answered, deliver stamp
	requested                                                  stamp
	lead                                                       sql.NullInt64
}

// dest answers the scan's destinations, in the order of the columns.
func (ps *petitionScan) dest() []any {
	p := &ps.p
	return []any{&ps.channel, &ps.received, &ps.postmarked, &p.People, &ps.stage, &ps.mode,
		&ps.decided, &p.DecideLate, &ps.accepted, &p.ExtendedDays, &p.Level, &ps.opinion, &ps.answered,
		&p.AnswerLate, &ps.deliver, &p.Replied, &p.FirstAnswerLate, &ps.review, &ps.recheck,
		&ps.requested, &p.LateReason, &ps.merged, &p.Repeats, &ps.lead, &p.LeadName}
}

// apply sets c's Petition from the scan: a petition's, nil for another
// kind.
func (ps *petitionScan) apply(c *pingan.Case) {
	if c.Kind != pingan.KindPetition {
		c.Petition = nil
		return
	}
	p := ps.p
	p.Channel, p.Stage, p.ForwardMode = pingan.PetitionChannel(ps.channel), pingan.PetitionStage(ps.stage), pingan.ForwardMode(ps.mode)
	p.Opinion, p.ReviewOpinion, p.RecheckOpinion = pingan.Opinion(ps.opinion), pingan.Opinion(ps.review), pingan.Opinion(ps.recheck)
	p.MergedAs = pingan.MergeAs(ps.merged)
	p.ReceivedOn, p.PostmarkedOn = ps.received.T, ps.postmarked.ptr()
	p.DecidedOn, p.AcceptedOn, p.AnsweredOn = ps.decided.ptr(), ps.accepted.ptr(), ps.answered.ptr()
	p.DeliveredOn, p.RequestedOn = ps.deliver.ptr(), ps.requested.ptr()
	p.Lead = ps.lead.Int64
	c.Petition = &p
}

// petitionArgs answers the values of the casePetitionColumns of c: zero
// for a case of another kind.
func petitionArgs(d Dialect, c *pingan.Case) []any {
	p := c.Petition
	if p == nil || c.Kind != pingan.KindPetition {
		p = &pingan.Petition{}
	}
	var received any
	if !p.ReceivedOn.IsZero() {
		received = d.ts(pingan.DayOf(p.ReceivedOn))
	}
	var lead any
	if p.Lead != 0 {
		lead = p.Lead
	}
	return []any{string(p.Channel), received, d.tsp(p.PostmarkedOn), p.People, string(p.Stage), string(p.ForwardMode),
		d.tsp(p.DecidedOn), p.DecideLate, d.tsp(p.AcceptedOn), p.ExtendedDays, p.Level, string(p.Opinion), d.tsp(p.AnsweredOn),
		p.AnswerLate, d.tsp(p.DeliveredOn), p.Replied, p.FirstAnswerLate, string(p.ReviewOpinion), string(p.RecheckOpinion),
		d.tsp(p.RequestedOn), p.LateReason, string(p.MergedAs), p.Repeats, lead, p.LeadName}
}

// isPetition reports whether c is a petition with its state to write.
func isPetition(c *pingan.Case) bool {
	return c.Kind == pingan.KindPetition && c.Petition != nil
}

// petitionerPurpose names the key of petitioner_key among the keys
// derived from the data key.
const petitionerPurpose = "petitioner key"

// petitionerKey answers the key of the petitioner of c (its reporter):
// the hex HMAC-SHA256, under a key derived from the data key for this
// purpose alone, of the normalized ID number, else of the name and the
// phone number; nil when c names no one or the sealer derives no keys.
// It lets a new petition of the same person be suggested as a repeat
// without opening a sealed row, and is never shown.
func (h *handle) petitionerKey(c *pingan.Case) any {
	r := c.Reporter
	if r == nil {
		return nil
	}
	key := deriveKey(h.sealer, petitionerPurpose)
	if key == nil {
		return nil
	}
	var kind, value string
	if id := normalIDNumber(r.IDNumber); id != "" {
		kind, value = "id", id
	} else if name, phone := normalName(r.Name), normalPhone(r.Phone); name != "" || phone != "" {
		kind, value = "name_phone", name+"\x00"+phone
	} else {
		return nil
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(kind))
	m.Write([]byte{0})
	m.Write([]byte(value))
	return hex.EncodeToString(m.Sum(nil))
}

// normalIDNumber answers an ID number (身份证号) as keyed: its digits and
// letters, full-width ones folded, upper case (the check character X).
func normalIDNumber(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '０' && r <= '９' {
			r = '0' + r - '０'
		} else if r >= 'ａ' && r <= 'ｚ' {
			r = 'a' + r - 'ａ'
		} else if r >= 'Ａ' && r <= 'Ｚ' {
			r = 'A' + r - 'Ａ'
		}
		if r < unicode.MaxASCII && (unicode.IsDigit(r) || unicode.IsLetter(r)) {
			b.WriteRune(unicode.ToUpper(r))
		}
	}
	return b.String()
}
