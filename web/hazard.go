package web

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/pingan-gov/pingan"
)

// A safety hazard on the case page (安全隐患, pingan/hazard.go): the card
// of its level, site, stage, deadline, party and rechecks, and the fields
// of its rectification steps (责令整改, 整改完成 with after-photos, 复查),
// drawn by hazard_steps.html; the forms post to /cases/{id}/act like every
// other action, read here into pingan.ActionInput.

func init() {
	actionFields[pingan.ActRectifyOrder] = []string{"rectify", "note"}
	actionFields[pingan.ActRectifyDone] = []string{"note", "photos"}
	actionFields[pingan.ActRecheck] = []string{"recheck", "note"}
}

// hazardFormFields are the fields of the steps' forms kept when a form
// is refused.
var hazardFormFields = []string{"rectify.deadline", "rectify.party.kind", "rectify.party.name", "rectify.party.unit",
	"rectify.measures", "recheck.passed"}

// hazardView is the hazard's card and what its forms offer.
type hazardView struct {
	H              *pingan.Hazard
	SupervisorName string
	PartyKinds     []pingan.PartyKind
	// Departments are the departments of the reader's jurisdiction, the
	// parties an order may name (only when the reader may order).
	Departments []*pingan.Unit
}

// Hazard reports whether the form is one of the hazard's own.
func (a *actionForm) Hazard() bool {
	return a.Name == pingan.ActRectifyOrder || a.Name == pingan.ActRecheck
}

// loadHazard answers the card of a hazard case, nil for other kinds.
func (s *Server) loadHazard(ctx context.Context, u *pingan.User, c *pingan.Case, name func(string) string) (*hazardView, error) {
	if c.Hazard == nil {
		return nil, nil
	}
	hv := &hazardView{H: c.Hazard, PartyKinds: pingan.PartyKinds}
	if c.Hazard.Supervisor != "" {
		hv.SupervisorName = name(c.Hazard.Supervisor)
	}
	for _, a := range c.AllowedActions {
		if a != pingan.ActRectifyOrder {
			continue
		}
		units, err := s.units.FindUnits(ctx, u, pingan.UnitFilter{})
		if err != nil {
			return nil, err
		}
		for _, x := range units {
			if x.Level == pingan.LevelDepartment {
				hv.Departments = append(hv.Departments, x)
			}
		}
	}
	return hv, nil
}

// readHazard reads the fields of a hazard's step into in, naming what
// cannot be read in bad.
func readHazard(r *http.Request, in *pingan.ActionInput, bad *pingan.Invalid) {
	switch in.Action {
	case pingan.ActRectifyOrder, pingan.ActRecheck:
	default:
		return
	}
	rect := &pingan.RectifyInput{
		Party: pingan.RectifyParty{Kind: pingan.PartyKind(strings.TrimSpace(r.PostFormValue("rectify.party.kind"))),
			Name: strings.TrimSpace(r.PostFormValue("rectify.party.name")), Unit: strings.TrimSpace(r.PostFormValue("rectify.party.unit"))},
		Measures: strings.TrimSpace(r.PostFormValue("rectify.measures")),
	}
	if dl := strings.TrimSpace(r.PostFormValue("rectify.deadline")); dl != "" {
		t, err := time.ParseInLocation("2006-01-02T15:04", dl, pingan.CST)
		if err != nil {
			bad.Add("rectify.deadline", "act.deadline.bad")
		} else {
			rect.Deadline = &t
		}
	}
	if in.Action == pingan.ActRectifyOrder || rect.Deadline != nil {
		in.Rectify = rect
	}
	if in.Action == pingan.ActRecheck {
		in.Recheck = &pingan.RecheckInput{}
		switch r.PostFormValue("recheck.passed") {
		case "1":
			yes := true
			in.Recheck.Passed = &yes
		case "0":
			no := false
			in.Recheck.Passed = &no
		}
	}
}

// hazardValues answers what was typed in a refused hazard form.
func hazardValues(r *http.Request) map[string]string {
	out := map[string]string{}
	for _, k := range hazardFormFields {
		out[k] = r.PostFormValue(k)
	}
	return out
}
