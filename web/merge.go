package web

import (
	"context"
	"net/http"
	"slices"

	"github.com/pingan-gov/pingan"
)

// Duplicates and links on the case page (合并重复件、关联案件): the card
// 关联案件 with its link and unlink forms, the form 合并到 with its confirm
// step, the banner of a merged case and the list of the duplicates merged
// into a main case. The actions go through the page's one form handler
// (act) with to_case.

// pairAction reports whether the action names a second case; its forms
// are this card's, not the actions card's.
func pairAction(a pingan.ActionName) bool {
	return a == pingan.ActMerge || a == pingan.ActLink || a == pingan.ActUnlink
}

// linkRow is a linked case as the card lists it.
type linkRow struct {
	pingan.CaseRef
	UnitName string
}

// relationsCard is what the page shows of a case's duplicates and links.
type relationsCard struct {
	MergedInto string   // the case this one was merged into (已并入)
	Merged     []string // the duplicates merged into this one the reader sees
	Links      []linkRow
	Hidden     int // linked cases outside the reader's jurisdiction, counted only
	CanLink    bool
	CanUnlink  bool
	CanMerge   bool
	// Preview is the main case a merge would go into, shown to confirm it
	// (合并确认); nil until the reader asked for it.
	Preview *pingan.Case
	Values  map[string]string // the form as sent, after a refusal or for the confirm step
	Errors  map[string]string
	Error   string
	Open    string // the form shown unfolded: merge or link
}

// relationsOf answers the card of c for the reader u.
func (s *Server) relationsOf(ctx context.Context, u *pingan.User, c *pingan.Case) *relationsCard {
	rc := &relationsCard{MergedInto: c.MergedInto, Merged: c.Merged, Hidden: c.LinksHidden, Values: map[string]string{},
		CanLink:   slices.Contains(c.AllowedActions, pingan.ActLink),
		CanUnlink: slices.Contains(c.AllowedActions, pingan.ActUnlink),
		CanMerge:  slices.Contains(c.AllowedActions, pingan.ActMerge)}
	for _, l := range c.Links {
		rc.Links = append(rc.Links, linkRow{CaseRef: l, UnitName: s.unitName(ctx, u, l.Unit)})
	}
	return rc
}

// refusedPair puts the refusal of a merge, link or unlink into the card,
// beside the form that was sent.
func (rc *relationsCard) refusedPair(v *view, r *http.Request, name pingan.ActionName, err error) {
	rc.Error, rc.Errors = v.Message(err), v.fields(err)
	rc.Values = map[string]string{"to_case": r.PostFormValue("to_case"), "reason": r.PostFormValue("reason"), "note": r.PostFormValue("note")}
	rc.Open = string(name)
	if name == pingan.ActUnlink {
		rc.Open = ""
	}
}

// mergePreview is the first step of 合并到: the main case named is read as
// the reader sees it and shown with its title beside the confirm button;
// nothing is merged yet. A case the reader cannot see answers as one that
// does not exist, inside the card.
func (s *Server) mergePreview(w http.ResponseWriter, r *http.Request, in pingan.ActionInput) {
	ctx, u, id := r.Context(), userOf(r), r.PathValue("id")
	d, err := s.loadCase(ctx, u, id, langOf(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := s.newView(r, "case")
	var bad pingan.Invalid
	bad.Require("to_case", in.ToCase)
	bad.Require("reason", in.Reason)
	if in.ToCase != "" && in.ToCase == id {
		bad.Add("to_case", "merge.to_case.self")
	}
	err = bad.Err()
	var m *pingan.Case
	if err == nil {
		m, err = s.cases.FindCase(ctx, u, in.ToCase)
	}
	if err != nil {
		d.Rel.refusedPair(v, r, pingan.ActMerge, err)
		s.renderCase(w, r, d, statusOf(err))
		return
	}
	d.Rel.Preview, d.Rel.Open = m, string(pingan.ActMerge)
	d.Rel.Values = map[string]string{"to_case": m.ID, "reason": in.Reason}
	s.renderCase(w, r, d, http.StatusOK)
}
