package store

import "github.com/pingan-gov/pingan"

// mediationFigure answers the conditions that select the disputes the
// measure of mediation named m counts (pingan.CaseTally, docs/disputes.md),
// for the lists the dashboard's figures of disputes open; an unknown name
// is added to v (field mediation).
func mediationFigure(v *pingan.Invalid, m string, a *args) []string {
	switch m {
	case "mediated", "agreed", "settled", "confirmed", "performed", "perform_base":
	default:
		v.Add("mediation", "stats.mediation.unknown", m)
		return nil
	}
	// Every parameter added is used: PostgreSQL types each from its use.
	// A merged duplicate counts nothing of its mediation.
	where := []string{"kind = " + a.add(string(pingan.KindDispute)), "status <> " + a.add(string(pingan.StatusMerged))}
	agreed := func() string { return "med_outcome = " + a.add(string(pingan.OutcomeAgreement)) }
	const performed = "(terms > 0 AND terms_performed >= terms)"
	switch m {
	case "mediated":
		where = append(where, "med_outcome <> ''")
	case "agreed":
		where = append(where, agreed())
	case "settled":
		where = append(where, "settled = "+a.add(true))
	case "confirmed":
		where = append(where, agreed(), "confirmation = "+a.add(string(pingan.ConfirmConfirmed)))
	case "performed":
		where = append(where, agreed(), performed)
	case "perform_base":
		where = append(where, agreed(), "(perform_due = "+a.add(true)+" OR "+performed+")")
	}
	return where
}
