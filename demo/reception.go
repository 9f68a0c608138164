package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/pingan-gov/pingan"
)

// Leaders' receptions in the demo city (领导接访, docs/petitions.md): the
// leader of the city and of every county receives at their centre's
// reception hall one morning a week, each on their own weekday, and the
// next month's days are published on the public site; over the past month
// they held about a dozen receptions — at the centre (接访), where a matter
// arose (下访) and by appointment (约访) — each about one or two of the
// petition matters of their jurisdiction. Everything goes through the
// reception service.

// receptionPlace is where the leaders receive, at every centre.
const receptionPlace = "综治中心接待大厅"

// receptionTopics are the topics of the reception days, in turn.
var receptionTopics = []string{"矛盾纠纷化解", "信访积案化解", "征地拆迁和劳资纠纷", "群众来访接待", "涉法涉诉信访"}

// receptionNotes are the notes of the reception records, in turn: what
// was heard and agreed, of a matter, never a profile of a person.
var receptionNotes = []string{
	"听取来访群众反映，现场协调责任单位，明确办理时限，约定一周内书面答复。",
	"实地查看现场，召集村（居）委会和相关部门研究解决办法，责成属地跟踪落实。",
	"约请信访人面谈，解释政策依据，对合理诉求落实解决措施，对不合理诉求做好疏导。",
	"听取诉求后交由责任单位限期办理，办理情况纳入督办。",
}

// receptionsInAll is about how many records the demo keeps, shared among
// the leaders (a city of seven counties: two each for the first six).
const receptionsInAll = 12

// seedReceptions writes the reception schedule of the month from end on
// and the records of the month before it. Nothing when the demo has no
// reception service.
func seedReceptions(ctx context.Context, svc Services, clock *Clock, c *city, end time.Time) error {
	if svc.Receptions == nil {
		return nil
	}
	today := midnight(end)
	defer clock.Set(end)
	clock.Set(today.Add(8 * time.Hour))
	var hosts []*place // the city's and every county's, in the tree's order
	c.top.walk(func(p *place) {
		if p.centre != nil && c.staff.leader[p.unit.Code] != nil && (p == c.top || p.level() == pingan.LevelCounty) {
			hosts = append(hosts, p)
		}
	})
	records, each := 0, (receptionsInAll+len(hosts)-1)/max(len(hosts), 1)
	for i, p := range hosts {
		leader := c.staff.leader[p.unit.Code]
		post := "县（区）委常委、政法委书记"
		if p == c.top {
			post = "市委常委、政法委书记"
		}
		if err := receptionDays(ctx, svc, leader, p, post, today, i); err != nil {
			return err
		}
		n, err := receptionRecords(ctx, svc, leader, p, today, i, min(each, receptionsInAll-records))
		if err != nil {
			return err
		}
		records += n
	}
	return nil
}

// receptionDays publishes the leader's mornings at the centre of p over the
// next four weeks: one a week, on the weekday numbered i (Monday to
// Friday, in turn).
func receptionDays(ctx context.Context, svc Services, leader *pingan.User, p *place, post string, today time.Time, i int) error {
	weekday := time.Weekday(1 + i%5)
	first := today
	for first.Weekday() != weekday {
		first = first.AddDate(0, 0, 1)
	}
	for w := 0; w < 5; w++ {
		day := first.AddDate(0, 0, 7*w)
		if day.After(today.AddDate(0, 1, 0)) {
			break
		}
		d := &pingan.ReceptionDay{Unit: p.centre.Code, LeaderID: leader.ID, LeaderPost: post, Day: pingan.Day(day),
			TimeFrom: "09:00", TimeTo: "12:00", Place: receptionPlace, Topic: receptionTopics[(i+w)%len(receptionTopics)],
			Published: true}
		if err := svc.Receptions.CreateReceptionDay(ctx, leader, d); err != nil {
			return fmt.Errorf("demo reception day: %w", err)
		}
	}
	return nil
}

// receptionRecords records up to n receptions the leader held over the
// past month about the petition matters of p, and answers how many.
func receptionRecords(ctx context.Context, svc Services, leader *pingan.User, p *place, today time.Time, i, n int) (int, error) {
	if n <= 0 {
		return 0, nil
	}
	matters, _, err := svc.Cases.FindCases(ctx, leader, pingan.CaseFilter{Kind: pingan.KindPetition, Unit: p.unit.Code, Limit: 2 * n})
	if err != nil {
		return 0, fmt.Errorf("demo receptions: %w", err)
	}
	kinds := []pingan.ReceptionKind{pingan.ReceptionAtCentre, pingan.ReceptionVisitDown, pingan.ReceptionAppointment}
	done := 0
	for j := 0; j < n && j < len(matters); j++ {
		k := kinds[(i+j)%len(kinds)]
		held := pingan.DayOf(matters[j].ReportedAt)
		if earliest := today.AddDate(0, 0, -28); held.Before(earliest) {
			held = earliest.AddDate(0, 0, 7*j+i%7)
		}
		if held.After(today) {
			held = today
		}
		place := receptionPlace
		if k == pingan.ReceptionVisitDown {
			place = "事项发生地现场"
		}
		cases := []string{matters[j].ID}
		if k == pingan.ReceptionAtCentre && j+n < len(matters) {
			cases = append(cases, matters[j+n].ID) // two matters heard on one morning
		}
		r := &pingan.Reception{Kind: k, Unit: p.centre.Code, LeaderID: leader.ID, HeldOn: pingan.Day(held), Place: place,
			People: 1 + (i+j)%4, Notes: receptionNotes[(i+j)%len(receptionNotes)], Cases: cases}
		if err := svc.Receptions.CreateReception(ctx, leader, r); err != nil {
			return done, fmt.Errorf("demo reception: %w", err)
		}
		done++
	}
	return done, nil
}
