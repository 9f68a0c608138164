package workflow

import (
	"strings"

	"github.com/pingan-gov/pingan"
)

// Duplicates and links (合并重复件、关联案件). The three actions name a second
// case (ActionInput.ToCase), which the store reads in the actor's
// jurisdiction into Env.Other, both rows locked in the order of their ids;
// ApplyPair answers the timeline entries of both.
//
// Merge: a dispatcher whose jurisdiction holds the duplicate's holding unit
// merges it, while it is open and running (reported, accepted, dispatched
// or in progress, not suspended), into a main case they see whose status is
// anything but rejected or merged, with a reason. The duplicate ends in
// merged and remembers the main case (MergedInto); its deadlines stop
// counting; the main case's status does not change. A main case merged
// itself is refused naming where it went.
//
// Link and unlink: a dispatcher, the assigned handler, a mediator or a
// leader who sees both cases links them, on any status; a link has no
// direction, is made once and undone only when it exists.

// mergeable are the statuses a duplicate is merged from.
var mergeable = st(pingan.StatusReported, pingan.StatusAccepted, pingan.StatusDispatched, pingan.StatusInProgress)

// pairAction reports whether the action names a second case.
func pairAction(a pingan.ActionName) bool {
	return a == pingan.ActMerge || a == pingan.ActLink || a == pingan.ActUnlink
}

// linker: a dispatcher who sees the case, its assigned handler, or a
// mediator or leader who sees it.
func linker(c *pingan.Case, a *pingan.User) bool {
	if a == nil {
		return false
	}
	if assignedHandler(c, a) {
		return true
	}
	return sees(c, a) && (a.Has(pingan.RoleDispatcher) || a.Has(pingan.RoleMediator) || a.Has(pingan.RoleLeader))
}

// checkPair checks the second case of a merge, link or unlink (validate):
// EINVALID without to_case (or a merge without its reason) or for the case
// itself; ENOTFOUND, as for any case, when env has no such case in the
// actor's jurisdiction; ECONFLICT for a main case rejected or merged, a link
// made already or an unlink of none.
func checkPair(c *pingan.Case, in pingan.ActionInput, env Env) error {
	var v pingan.Invalid
	to := strings.TrimSpace(in.ToCase)
	v.Require("to_case", to)
	if in.Action == pingan.ActMerge {
		v.Require("reason", in.Reason)
	}
	if to != "" && to == c.ID {
		v.Add("to_case", "merge.to_case.self")
	}
	if err := v.Err(); err != nil {
		return err
	}
	o := env.Other
	if o == nil || o.ID != to {
		return pingan.E(pingan.ENOTFOUND, "case.notfound", to)
	}
	switch in.Action {
	case pingan.ActMerge:
		switch o.Status {
		case pingan.StatusMerged:
			return pingan.E(pingan.ECONFLICT, "merge.into.merged", o.ID, o.MergedInto)
		case pingan.StatusRejected:
			return pingan.E(pingan.ECONFLICT, "merge.into.rejected", o.ID)
		}
	case pingan.ActLink:
		if env.Linked {
			return pingan.E(pingan.ECONFLICT, "link.exists", c.ID, o.ID)
		}
	case pingan.ActUnlink:
		if !env.Linked {
			return pingan.E(pingan.ECONFLICT, "link.missing", c.ID, o.ID)
		}
	}
	return nil
}

// pairTransition changes the case the action is taken on (transition):
// a merged duplicate ends in merged, remembering the main case.
func pairTransition(next *pingan.Case, act *pingan.Action, in pingan.ActionInput, env Env) {
	o := env.Other
	switch in.Action {
	case pingan.ActMerge:
		next.Status = pingan.StatusMerged
		next.MergedInto = o.ID
		act.Note = pairNote("并入 %s", o.ID, in.Reason)
	case pingan.ActLink:
		act.Note = pairNote("关联 %s", o.ID, in.Note)
	case pingan.ActUnlink:
		act.Note = pairNote("取消关联 %s", o.ID, firstNonEmpty(in.Reason, in.Note))
	}
}

// pairNote is the note of a timeline entry naming the other case, with
// what the actor wrote after it.
func pairNote(format, id, note string) string {
	s := strings.Replace(format, "%s", id, 1)
	if note = strings.TrimSpace(note); note != "" {
		s += "：" + note
	}
	return s
}

// ApplyPair is Apply for merge, link and unlink: it checks and moves c as
// Apply does, with other as the second case, and answers the timeline
// entries of both — c's and other's (合并 D on the main case, 关联 on
// either). other's status never changes; its UpdatedAt is set. On failure
// neither case changes.
func ApplyPair(c, other *pingan.Case, actor *pingan.User, in pingan.ActionInput, env Env) (self, second *pingan.Action, err error) {
	if !pairAction(in.Action) {
		return nil, nil, pingan.E(pingan.EINVALID, "action.unknown", string(in.Action))
	}
	env.Other = other
	self, err = Apply(c, actor, in, env)
	if err != nil {
		return nil, nil, err
	}
	second = &pingan.Action{Action: in.Action, At: env.Now, FromStatus: other.Status, ToStatus: other.Status,
		ActorID: self.ActorID, ActorName: self.ActorName}
	switch in.Action {
	case pingan.ActMerge:
		second.Note = pairNote("合并 %s", c.ID, in.Reason)
	case pingan.ActLink:
		second.Note = pairNote("关联 %s", c.ID, in.Note)
	case pingan.ActUnlink:
		second.Note = pairNote("取消关联 %s", c.ID, firstNonEmpty(in.Reason, in.Note))
	}
	petitionPair(c, other, in)
	other.UpdatedAt = env.Now
	return self, second, nil
}
