package workflow

import (
	"fmt"
	"strings"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/calendar"
)

// A case's deadlines are counted from its timeline: each entry that set a
// deadline did so by a rule (Apply) from a start the entry records. When the
// holiday arrangement of a year changes — a notice entered for a year that
// was counted provisionally, or a correction — every open deadline counted
// across that year is counted again from its original start with the same
// rule (时限重算). Recount does that for one case by replaying its timeline
// twice, on the calendar in force before and on the new one, in step:
//
//	report                 resolve_by = Due(reported_at, policy.resolve)
//	accept (new category)  resolve_by = Due(reported_at, policy.resolve)
//	dispatch               sign_by    = Due(at, policy.sign)
//	return                 sign_by    = none
//	escalate, reopen       resolve_by = Due(at, policy.resolve), sign_by = none
//	term_overdue           resolve_by = Due(at, policy.resolve)
//	extend                 resolve_by = Extend(resolve_by, days)
//	suspend … resume       resolve_by = Shift(resolve_by, suspended at, resumed at)
//
// A petition's deadlines are the regulation's, in days (petition.go):
//
//	report                 resolve_by = Due(received_on, 15)
//	dispatch, return, escalate  resolve_by = Due(at, 15) (dispatch: sign_by as above)
//	petition_accept        resolve_by = Due(at, 60)
//	petition_extend        resolve_by = Extend(resolve_by, days)
//	request_review, request_recheck  resolve_by = Due(day received, 30); the day of the
//	                       last request is the case's, an earlier one's is its entry's
//
// The replay on the old calendar must give back the deadlines the case
// holds; where it does not (the category's policy has changed since, say),
// that deadline is left alone and reported as not recountable, never
// guessed. A resolve deadline that has passed and been acted on by the
// deadline watch (it escalated or marked the case for it) stays as it is:
// what happened on it happened.

// RecountResult is what Recount did to one case.
type RecountResult struct {
	Changes []pingan.DeadlineChange
	// Unrecountable names the deadlines the timeline does not explain.
	Unrecountable []string
	// Action is the timeline entry to append, nil when nothing moved.
	Action *pingan.Action
}

// RecountEnv is what Recount needs beyond the case and its timeline.
type RecountEnv struct {
	Now      time.Time
	Policy   pingan.Policy // of the case's category
	Old, New *calendar.Calendar
	// Watched is the resolve deadline the deadline watch last acted on
	// (escalated or marked overdue), nil if none.
	Watched *time.Time
	// Actor names who entered the arrangement, for the timeline.
	Actor *pingan.User
}

// Recount counts the deadlines of an open case again on env.New and moves
// those that change, answering the timeline entry that records it. The
// case is changed in place.
func Recount(c *pingan.Case, timeline []*pingan.Action, env RecountEnv) (*RecountResult, error) {
	before, after, err := replay(c, timeline, env)
	if err != nil {
		return nil, err
	}
	res := &RecountResult{}
	move := func(field string, held **time.Time, was, now *time.Time) {
		switch {
		case !sameTime(*held, was):
			res.Unrecountable = append(res.Unrecountable, field)
		case sameTime(was, now) || now == nil:
		case field == "resolve_by" && env.Watched != nil && sameTime(env.Watched, *held):
			// The watch has acted on this deadline: it stays.
		default:
			res.Changes = append(res.Changes, pingan.DeadlineChange{CaseID: c.ID, Field: field, From: **held, To: *now})
			t := *now
			*held = &t
		}
	}
	if c.Status == pingan.StatusDispatched {
		// Only a case waiting to be signed has a sign deadline that counts;
		// a signed one keeps its history as it was.
		move("sign_by", &c.SignBy, before.signBy, after.signBy)
	}
	move("resolve_by", &c.ResolveBy, before.resolveBy, after.resolveBy)
	if len(res.Changes) == 0 {
		return res, nil
	}
	parts := make([]string, len(res.Changes))
	for i, ch := range res.Changes {
		parts[i] = fmt.Sprintf("%s由 %s 调整为 %s", fieldLabel(ch.Field), formatDue(ch.From), formatDue(ch.To))
	}
	act := &pingan.Action{Action: pingan.ActRecount, At: env.Now, FromStatus: c.Status, ToStatus: c.Status,
		Note: "节假日安排更新，" + strings.Join(parts, "；"), ActorName: pingan.SystemActor}
	if env.Actor != nil {
		act.ActorID, act.ActorName = env.Actor.ID, actorName(env.Actor)
	}
	last := res.Changes[len(res.Changes)-1]
	act.Deadline = &last.To
	c.UpdatedAt = env.Now
	res.Action = act
	return res, nil
}

func fieldLabel(field string) string {
	if field == "sign_by" {
		return "签收时限"
	}
	return "办理时限"
}

func formatDue(t time.Time) string { return t.In(pingan.CST).Format("2006-01-02 15:04") }

func sameTime(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.Equal(*b)
}

// clock is the deadlines of a case at one point of its timeline.
type clock struct {
	signBy, resolveBy, suspendedAt *time.Time
}

// replay walks the timeline on both calendars in step and answers the
// deadlines each gives at the end.
func replay(c *pingan.Case, timeline []*pingan.Action, env RecountEnv) (before, after clock, err error) {
	resolve := resolveUnit(c, env.Policy)
	petition := c.Kind == pingan.KindPetition
	calendarDue := func(cal *calendar.Calendar, from time.Time, n int) (*time.Time, error) {
		d, err := cal.Due(from, n, calendar.CalendarDays)
		return &d, err
	}
	lastRequest := -1
	for i, a := range timeline {
		if a.Action == pingan.ActRequestReview || a.Action == pingan.ActRequestRecheck {
			lastRequest = i
		}
	}
	due := func(cal *calendar.Calendar, from time.Time, p pingan.Period) (*time.Time, error) {
		if !p.Valid() {
			return nil, nil
		}
		d, err := cal.Due(from, p.N, calendar.Unit(p.Unit))
		return &d, err
	}
	type side struct {
		cal *calendar.Calendar
		st  *clock
	}
	sides := []side{{env.Old, &before}, {env.New, &after}}
	for ai, a := range timeline {
		days := a.Days
		if a.Action == pingan.ActExtend && days == 0 && a.Deadline != nil && before.resolveBy != nil {
			// Entered before the length was kept: it is the length the
			// old calendar gives between the two deadlines.
			span, err := env.Old.Remaining(*before.resolveBy, *a.Deadline, resolve)
			if err != nil {
				return before, after, err
			}
			days = span.N
		}
		for i, s := range sides {
			st, cal := s.st, s.cal
			var err error
			kind := a.Action
			if kind == pingan.ActApproveRequest { // an approved request applied an extension (its days) or a suspension
				kind = pingan.ActSuspend
				if days > 0 {
					kind = pingan.ActExtend
				}
			}
			if petition {
				handled := true
				switch kind {
				case pingan.ActReport:
					if c.Petition != nil && !c.Petition.ReceivedOn.IsZero() {
						st.resolveBy, err = calendarDue(cal, c.Petition.ReceivedOn, pingan.PetitionDecideDays)
					}
				case pingan.ActAccept:
				case pingan.ActDispatch:
					st.signBy, err = due(cal, a.At, env.Policy.Sign)
					if err == nil {
						st.resolveBy, err = calendarDue(cal, a.At, pingan.PetitionDecideDays)
					}
				case pingan.ActReturn, pingan.ActEscalate:
					st.signBy = nil
					st.resolveBy, err = calendarDue(cal, a.At, pingan.PetitionDecideDays)
				case pingan.ActPetitionAccept:
					st.resolveBy, err = calendarDue(cal, a.At, pingan.PetitionHandleDays)
				case pingan.ActPetitionExtend:
					if st.resolveBy != nil && days > 0 {
						var d time.Time
						d, err = cal.Extend(*st.resolveBy, days, calendar.CalendarDays)
						st.resolveBy = &d
					}
				case pingan.ActRequestReview, pingan.ActRequestRecheck:
					from := a.At
					if ai == lastRequest && c.Petition != nil && c.Petition.RequestedOn != nil {
						from = *c.Petition.RequestedOn
					}
					st.signBy = nil
					st.resolveBy, err = calendarDue(cal, from, pingan.PetitionReviewDays)
				default:
					handled = false
				}
				if err != nil {
					return before, after, fmt.Errorf("workflow: recount %s, entry %d (%s), calendar %d: %w", c.ID, a.Seq, a.Action, i, err)
				}
				if handled {
					continue
				}
			}
			switch kind {
			case pingan.ActReport:
				st.resolveBy, err = due(cal, c.ReportedAt, env.Policy.ResolveFor(c.Urgency, c.Sensitive))
			case pingan.ActAccept:
				if a.Deadline != nil { // the category was corrected
					st.resolveBy, err = due(cal, c.ReportedAt, env.Policy.ResolveFor(c.Urgency, c.Sensitive))
				}
			case pingan.ActDispatch:
				st.signBy, err = due(cal, a.At, env.Policy.Sign)
			case pingan.ActReturn:
				st.signBy = nil
			case pingan.ActEscalate, pingan.ActReopen:
				st.signBy = nil
				st.resolveBy, err = due(cal, a.At, env.Policy.ResolveFor(c.Urgency, c.Sensitive))
			case pingan.ActTermOverdue: // the mediator keeps the case: sign_by stays
				st.resolveBy, err = due(cal, a.At, env.Policy.ResolveFor(c.Urgency, c.Sensitive))
			case pingan.ActExtend, pingan.ActPetitionExtend:
				if st.resolveBy != nil && days > 0 {
					var d time.Time
					d, err = cal.Extend(*st.resolveBy, days, resolve)
					st.resolveBy = &d
				}
			case pingan.ActSuspend:
				at := a.At
				st.suspendedAt = &at
			case pingan.ActResume:
				if st.resolveBy != nil && st.suspendedAt != nil {
					var d time.Time
					d, err = cal.Shift(*st.resolveBy, *st.suspendedAt, a.At, resolve)
					st.resolveBy = &d
				}
				st.suspendedAt = nil
			}
			if err != nil {
				return before, after, fmt.Errorf("workflow: recount %s, entry %d (%s), calendar %d: %w", c.ID, a.Seq, a.Action, i, err)
			}
		}
	}
	return before, after, nil
}
