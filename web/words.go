package web

import "github.com/pingan-gov/pingan"

// Words stored in the database that a person reads: the name recorded for
// the system's and the citizens' actions, the note of an automatic
// escalation, the roles of a case's people. Earlier versions stored them
// as "中文 (English)" sentences; they are data, so each known value is
// mapped here, whole, to a key of the catalogue and shown in the reader's
// language — never parsed. A value not known here (a staff member's name, a
// note someone typed) is shown as it was written.

// storedWords maps a stored value to its key.
var storedWords = map[string]string{
	pingan.SystemActor: "actor.system", // "系统 (system)"
	"系统":               "actor.system",
	"system":           "actor.system",
	"群众 (citizen)":     "actor.citizen", // store.CitizenActor
	"群众":               "actor.citizen",
	"citizen":          "actor.citizen",
	"超过办结时限自动上报 (resolve deadline missed)": "escalate.auto.reason", // store.EscalateReason
	"超过办结时限自动上报":                           "escalate.auto.reason",
}

// partyRoles maps the role of a person in a case (pingan.Person.Role) to
// its key.
var partyRoles = map[string]string{
	"applicant": "party.applicant", "申请人": "party.applicant",
	"respondent": "party.respondent", "被申请人": "party.respondent",
	"party": "party.party", "当事人": "party.party",
	"reporter": "party.reporter", "反映人": "party.reporter",
	"witness": "party.witness", "证人": "party.witness",
}

// Stored answers a stored value in the reader's language when it is one
// the catalogue knows, else as it was stored.
func (v *view) Stored(s string) string {
	if key, ok := storedWords[s]; ok {
		return v.T(key)
	}
	return s
}

// PartyRole answers the role of a person in a case in the reader's language.
func (v *view) PartyRole(role string) string {
	if key, ok := partyRoles[role]; ok {
		return v.T(key)
	}
	return role
}
