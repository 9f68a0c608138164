package workflow

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
)

// mainID is the second case the pair actions of these tests name.
const mainID = "2026-620902-000002"

// mainIn answers the case mainID in status s, held by the township like
// caseIn's.
func mainIn(s pingan.Status) *pingan.Case {
	c := caseIn(s, false)
	c.ID, c.Title = mainID, "主案"
	if s == pingan.StatusMerged {
		c.MergedInto = "2026-620902-000009"
	}
	return c
}

// pairEnv answers env with the second case of a pair action, linked
// already for an unlink; env itself for any other action.
func pairEnv(env Env, a pingan.ActionName) Env {
	if pairAction(a) {
		env.Other, env.Linked = mainIn(pingan.StatusInProgress), a == pingan.ActUnlink
	}
	return env
}

// TestMergeRows: who merges what into what, and what becomes of both.
func TestMergeRows(t *testing.T) {
	tests := []struct {
		name    string
		d       *pingan.Case
		actor   *pingan.User
		main    *pingan.Case // nil: none in the actor's jurisdiction
		toCase  string
		reason  string
		code    string // "" for allowed
		message string // a part of the refusal's text
	}{
		{"reported into in progress", caseIn(pingan.StatusReported, false), townDispatcher, mainIn(pingan.StatusInProgress), mainID, "同一路灯", "", ""},
		{"accepted into closed", caseIn(pingan.StatusAccepted, false), townDispatcher, mainIn(pingan.StatusClosed), mainID, "重复", "", ""},
		{"dispatched into resolved", caseIn(pingan.StatusDispatched, false), countyDisp, mainIn(pingan.StatusResolved), mainID, "重复", "", ""},
		{"in progress into suspended", caseIn(pingan.StatusInProgress, false), townDispatcher, func() *pingan.Case {
			c := mainIn(pingan.StatusInProgress)
			c.Suspended = true
			return c
		}(), mainID, "重复", "", ""},
		{"into a merged case names where it went", caseIn(pingan.StatusReported, false), townDispatcher, mainIn(pingan.StatusMerged), mainID, "重复", pingan.ECONFLICT, "2026-620902-000009"},
		{"into a rejected case", caseIn(pingan.StatusReported, false), townDispatcher, mainIn(pingan.StatusRejected), mainID, "重复", pingan.ECONFLICT, mainID},
		{"into itself", caseIn(pingan.StatusReported, false), townDispatcher, caseIn(pingan.StatusAccepted, false), caseIn(pingan.StatusReported, false).ID, "重复", pingan.EINVALID, ""},
		{"main case not in jurisdiction", caseIn(pingan.StatusReported, false), townDispatcher, nil, mainID, "重复", pingan.ENOTFOUND, mainID},
		{"without to_case", caseIn(pingan.StatusReported, false), townDispatcher, mainIn(pingan.StatusInProgress), "", "重复", pingan.EINVALID, ""},
		{"without a reason", caseIn(pingan.StatusReported, false), townDispatcher, mainIn(pingan.StatusInProgress), mainID, " ", pingan.EINVALID, ""},
		{"a resolved duplicate is not merged", caseIn(pingan.StatusResolved, false), townDispatcher, mainIn(pingan.StatusInProgress), mainID, "重复", pingan.ECONFLICT, ""},
		{"a closed duplicate is not merged", caseIn(pingan.StatusClosed, false), townDispatcher, mainIn(pingan.StatusInProgress), mainID, "重复", pingan.ECONFLICT, ""},
		{"a suspended duplicate is not merged", caseIn(pingan.StatusInProgress, true), townDispatcher, mainIn(pingan.StatusInProgress), mainID, "重复", pingan.ECONFLICT, ""},
		{"a merged duplicate is not merged again", mainIn(pingan.StatusMerged), townDispatcher, caseIn(pingan.StatusInProgress, false), caseIn(pingan.StatusInProgress, false).ID, "重复", pingan.ECONFLICT, ""},
		{"a handler does not merge", caseIn(pingan.StatusInProgress, false), deptHandler, mainIn(pingan.StatusInProgress), mainID, "重复", pingan.EFORBIDDEN, ""},
		{"a leader does not merge", caseIn(pingan.StatusInProgress, false), leader, mainIn(pingan.StatusInProgress), mainID, "重复", pingan.EFORBIDDEN, ""},
		{"another county's dispatcher sees neither", caseIn(pingan.StatusReported, false), foreign, mainIn(pingan.StatusInProgress), mainID, "重复", pingan.ENOTFOUND, ""},
	}
	now := t0.Add(3 * time.Hour)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, before := tt.d, *tt.d
			var m *pingan.Case
			var mBefore pingan.Case
			if tt.main != nil {
				m, mBefore = tt.main, *tt.main
			}
			in := pingan.ActionInput{Action: pingan.ActMerge, ToCase: tt.toCase, Reason: tt.reason}
			var self, second *pingan.Action
			var err error
			if m != nil {
				self, second, err = ApplyPair(d, m, tt.actor, in, envAt(now))
			} else {
				self, err = Apply(d, tt.actor, in, envAt(now))
			}
			if got := pingan.ErrorCode(err); got != tt.code {
				t.Fatalf("code %q, want %q (%v)", got, tt.code, err)
			}
			if tt.code != "" {
				if !strings.Contains(err.Error(), tt.message) {
					t.Errorf("refusal %q should name %q", err.Error(), tt.message)
				}
				if d.Status != before.Status || d.MergedInto != before.MergedInto || (m != nil && (m.Status != mBefore.Status || !m.UpdatedAt.Equal(mBefore.UpdatedAt))) {
					t.Errorf("a refused merge changed a case")
				}
				return
			}
			if d.Status != pingan.StatusMerged || d.MergedInto != m.ID || d.Status.Open() {
				t.Errorf("duplicate %s into %q", d.Status, d.MergedInto)
			}
			if m.Status != mBefore.Status || m.MergedInto != "" || !m.UpdatedAt.Equal(now) {
				t.Errorf("main case changed to %s", m.Status)
			}
			if self.Action != pingan.ActMerge || self.FromStatus != before.Status || self.ToStatus != pingan.StatusMerged ||
				self.Note != "并入 "+m.ID+"："+tt.reason {
				t.Errorf("duplicate's entry %+v", self)
			}
			if second.Action != pingan.ActMerge || second.FromStatus != m.Status || second.ToStatus != m.Status ||
				second.Note != "合并 "+d.ID+"："+tt.reason || second.ActorID != tt.actor.ID {
				t.Errorf("main case's entry %+v", second)
			}
			if len(d.Dues()) != 0 {
				t.Errorf("a merged case still has deadlines: %v", d.Dues())
			}
			if slices.Contains(Allowed(d, tt.actor), pingan.ActMerge) {
				t.Errorf("a merged case may be merged again")
			}
		})
	}
}

// TestLinkRows: who links, on which statuses, and the refusals.
func TestLinkRows(t *testing.T) {
	mediator := user(10, township, pingan.RoleMediator)
	grid := user(11, village, pingan.RoleGridWorker)
	tests := []struct {
		name   string
		c      *pingan.Case
		actor  *pingan.User
		action pingan.ActionName
		other  *pingan.Case
		linked bool
		code   string
	}{
		{"dispatcher links", caseIn(pingan.StatusReported, false), townDispatcher, pingan.ActLink, mainIn(pingan.StatusClosed), false, ""},
		{"assigned handler links", caseIn(pingan.StatusInProgress, false), deptHandler, pingan.ActLink, mainIn(pingan.StatusAccepted), false, ""},
		{"mediator links", caseIn(pingan.StatusAccepted, false), mediator, pingan.ActLink, mainIn(pingan.StatusAccepted), false, ""},
		{"leader links closed cases", caseIn(pingan.StatusClosed, false), leader, pingan.ActLink, mainIn(pingan.StatusClosed), false, ""},
		{"links a merged case", mainIn(pingan.StatusMerged), townDispatcher, pingan.ActLink, caseIn(pingan.StatusClosed, false), false, ""},
		{"links while suspended", caseIn(pingan.StatusInProgress, true), townDispatcher, pingan.ActLink, mainIn(pingan.StatusClosed), false, ""},
		{"unlinks", caseIn(pingan.StatusResolved, false), townDispatcher, pingan.ActUnlink, mainIn(pingan.StatusClosed), true, ""},
		{"link twice", caseIn(pingan.StatusReported, false), townDispatcher, pingan.ActLink, mainIn(pingan.StatusClosed), true, pingan.ECONFLICT},
		{"unlink of no link", caseIn(pingan.StatusReported, false), townDispatcher, pingan.ActUnlink, mainIn(pingan.StatusClosed), false, pingan.ECONFLICT},
		{"grid worker does not link", caseIn(pingan.StatusReported, false), grid, pingan.ActLink, mainIn(pingan.StatusClosed), false, pingan.EFORBIDDEN},
		{"viewer does not link", caseIn(pingan.StatusReported, false), viewer, pingan.ActLink, mainIn(pingan.StatusClosed), false, pingan.EFORBIDDEN},
		{"handler of another unit does not link", caseIn(pingan.StatusInProgress, false), otherHandler, pingan.ActLink, mainIn(pingan.StatusClosed), false, pingan.EFORBIDDEN},
		{"other case outside the jurisdiction", caseIn(pingan.StatusReported, false), townDispatcher, pingan.ActLink, nil, false, pingan.ENOTFOUND},
		{"with itself", caseIn(pingan.StatusReported, false), townDispatcher, pingan.ActLink, caseIn(pingan.StatusReported, false), false, pingan.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, before := tt.c, *tt.c
			to := mainID
			if tt.other != nil {
				to = tt.other.ID
			}
			in := pingan.ActionInput{Action: tt.action, ToCase: to, Note: "同一纠纷"}
			env := envAt(t0.Add(time.Hour))
			env.Linked = tt.linked
			var self, second *pingan.Action
			var err error
			if tt.other != nil {
				self, second, err = ApplyPair(c, tt.other, tt.actor, in, env)
			} else {
				self, err = Apply(c, tt.actor, in, env)
			}
			if got := pingan.ErrorCode(err); got != tt.code {
				t.Fatalf("code %q, want %q (%v)", got, tt.code, err)
			}
			if got := slices.Contains(Allowed(&before, tt.actor), tt.action); got != (tt.code == "" || tt.code == pingan.ECONFLICT || tt.code == pingan.ENOTFOUND || tt.code == pingan.EINVALID) {
				t.Errorf("Allowed contains %s = %v", tt.action, got)
			}
			if tt.code != "" {
				return
			}
			if c.Status != before.Status || self.ToStatus != before.Status || second.ToStatus != tt.other.Status {
				t.Errorf("a link moved a case: %s → %s", before.Status, c.Status)
			}
			word := map[pingan.ActionName]string{pingan.ActLink: "关联 ", pingan.ActUnlink: "取消关联 "}[tt.action]
			if self.Note != word+tt.other.ID+"：同一纠纷" || second.Note != word+c.ID+"：同一纠纷" {
				t.Errorf("notes %q, %q", self.Note, second.Note)
			}
		})
	}
}
