package pingan

import (
	"context"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// A supervised work task (督办事项) is work a leader, the 平安办 or a centre
// issues to one lead unit (牵头单位) and any cooperating units (配合单位) of
// its jurisdiction, with a plan of milestones: by default the 13710 pattern
// (部署 within 1 working day of issue, 首次反馈 within 3, 落实 within 7, 办结
// within 10, on the official calendar); long tasks have monthly milestones
// and a target quantity (量化指标, e.g. 完成 120 户). The units sign, report
// progress (a percentage or a quantity against the target, with evidence),
// the lead unit finishes, and the issuer verifies and closes or sends the
// task back. 序时进度 compares the progress reported with the elapsed share
// of the plan; each missed milestone escalates the task one step further:
// 催办 (urge) → 督办 (supervise) → 通报 (notify). A task is about a matter
// of work, never about a person (docs/tasks.md).

// Task sources (来源).
const (
	TaskFromInstruction = "instruction" // 领导批示
	TaskFromMeeting     = "meeting"     // 会议决定 (e.g. the weekly 研判)
	TaskFromKeyList     = "key_list"    // 年度重点任务清单, with ListYear
)

// TaskSources lists the sources in the order of the forms.
var TaskSources = []string{TaskFromInstruction, TaskFromMeeting, TaskFromKeyList}

// Task types (plans): the built-in ones; the store keeps the types in a
// table (task_types) so that a city may change their offsets or add one.
const (
	TaskType13710   = "13710"   // 部署性任务: 1, 3, 7, 10 working days
	TaskTypeMonthly = "monthly" // 量化指标: monthly milestones and a target
)

// Task states.
const (
	TaskIssued    = "issued"    // 已下发: waiting for the lead unit to sign
	TaskDoing     = "doing"     // 办理中
	TaskFinished  = "finished"  // 已办结待核: the lead unit reported it done
	TaskClosed    = "closed"    // 已销号: the issuer verified it
	TaskCancelled = "cancelled" // 已撤销
)

// TaskStates lists the states in the order of the lists.
var TaskStates = []string{TaskIssued, TaskDoing, TaskFinished, TaskClosed, TaskCancelled}

// TaskOpen reports whether a task in state st still runs.
func TaskOpen(st string) bool { return st == TaskIssued || st == TaskDoing || st == TaskFinished }

// What meets a milestone (its Rule).
const (
	MeetSign     = "sign"     // the lead unit signed (部署)
	MeetReport   = "report"   // a first progress report (首次反馈)
	MeetProgress = "progress" // progress reported at least Share percent
	MeetFinish   = "finish"   // the lead unit finished (办结)
)

// Escalation levels of a task: each missed milestone moves it one on, and
// the issuer may move it by hand.
const (
	EscalateNone      = 0
	EscalateUrge      = 1 // 催办
	EscalateSupervise = 2 // 督办
	EscalateNotify    = 3 // 通报
)

// Unit roles in a task.
const (
	TaskLead = "lead" // 牵头单位
	TaskCo   = "co"   // 配合单位
)

// Limits.
const (
	MaxTaskTitle     = 100
	MaxTaskContent   = 4000
	MaxTaskNote      = 1000
	MaxTaskCoUnits   = 30
	MaxTaskMonths    = 24
	MaxTaskMilestone = 30
	// TaskBehindPoints is how far (percentage points) the progress reported
	// may lag the expected progress before the task is behind schedule.
	TaskBehindPoints = 10
)

// TaskType is a plan (督办类型): milestones at working-day offsets from the
// issue (Unit "working"), or one a month for Months months (Unit "month").
type TaskType struct {
	Code string `json:"code"`
	Name string `json:"name"`
	// Unit is "working" (Offsets are working days after issue) or "month"
	// (one milestone at the end of each month of the plan).
	Unit    string   `json:"unit"`
	Offsets []int    `json:"offsets,omitempty"`
	Names   []string `json:"names,omitempty"` // the milestones' names, by offset
	Rules   []string `json:"rules,omitempty"` // what meets each (Meet…)
	Shares  []int    `json:"shares,omitempty"`
	// Quantified: its tasks have a target quantity (量化指标).
	Quantified bool `json:"quantified"`
	// BehindPoints overrides TaskBehindPoints when not 0.
	BehindPoints int `json:"behind_points,omitempty"`
}

// Milestone is one step of a task's plan (节点).
type Milestone struct {
	Seq  int       `json:"seq"`
	Name string    `json:"name"`
	Due  time.Time `json:"due"`
	Rule string    `json:"rule"`
	// Share is the progress expected by the milestone, in percent.
	Share  int        `json:"share"`
	MetAt  *time.Time `json:"met_at,omitempty"`
	Missed bool       `json:"missed"` // marked once by the watch
}

// NewMilestone is a milestone of a plan given by hand: a name and a day.
type NewMilestone struct {
	Name string `json:"name"`
	Due  string `json:"due"` // YYYY-MM-DD
	// Share is the progress expected by then (0–100); the last is 100.
	Share int `json:"share"`
}

// NewTask is a task to issue.
type NewTask struct {
	Title   string `json:"title"`
	Content string `json:"content"`
	Source  string `json:"source"`
	// ListYear is the year of the key-task list (重点任务清单) when Source
	// is TaskFromKeyList.
	ListYear int `json:"list_year,omitempty"`
	// Ref is where it comes from as text: the instruction's number, the
	// meeting, the list item (文号/出处), or "briefing:12" for a decision
	// of a weekly 研判.
	Ref  string `json:"ref,omitempty"`
	Type string `json:"type"` // a TaskType's code; 13710 when empty
	// LeadUnit and CoUnits are unit codes in the issuer's jurisdiction.
	LeadUnit string   `json:"lead_unit"`
	CoUnits  []string `json:"co_units,omitempty"`
	// Target and TargetUnit are the quantity of a quantified task (完成 120 户).
	Target     int64  `json:"target,omitempty"`
	TargetUnit string `json:"target_unit,omitempty"`
	// Months is the length of a monthly plan (1–MaxTaskMonths; 12 when 0).
	Months int `json:"months,omitempty"`
	// Milestones, when given, replace the type's plan; they must run forwards.
	Milestones []NewMilestone `json:"milestones,omitempty"`
}

// Normalize trims the texts of in, fills the type and drops repeated or
// lead co-units.
func (in *NewTask) Normalize() {
	in.Title, in.Content, in.Ref = strings.TrimSpace(in.Title), strings.TrimSpace(in.Content), strings.TrimSpace(in.Ref)
	in.Source, in.Type, in.LeadUnit = strings.TrimSpace(in.Source), strings.TrimSpace(in.Type), strings.TrimSpace(in.LeadUnit)
	in.TargetUnit = strings.TrimSpace(in.TargetUnit)
	if in.Type == "" {
		in.Type = TaskType13710
	}
	seen := map[string]bool{in.LeadUnit: true}
	var co []string
	for _, c := range in.CoUnits {
		c = strings.TrimSpace(c)
		if c != "" && !seen[c] {
			seen[c] = true
			co = append(co, c)
		}
	}
	in.CoUnits = co
	for i := range in.Milestones {
		in.Milestones[i].Name, in.Milestones[i].Due = strings.TrimSpace(in.Milestones[i].Name), strings.TrimSpace(in.Milestones[i].Due)
	}
}

// Validate adds to v every field of in that is wrong without the
// database: title, content, source (and the list's year), the lead unit,
// the target, and hand-made milestones, which must run forwards from today
// (milestones[i]). The store adds the units and the type.
func (in *NewTask) Validate(v *Invalid, today string) {
	v.Require("title", in.Title)
	if utf8.RuneCountInString(in.Title) > MaxTaskTitle {
		v.Add("title", "task.title.long", MaxTaskTitle)
	}
	if utf8.RuneCountInString(in.Content) > MaxTaskContent {
		v.Add("content", "task.content.long", MaxTaskContent)
	}
	switch in.Source {
	case TaskFromInstruction, TaskFromMeeting:
	case TaskFromKeyList:
		if in.ListYear < 2000 || in.ListYear > 2100 {
			v.Add("list_year", "task.list_year.bad", in.ListYear)
		}
	case "":
		v.Add("source", "field.required")
	default:
		v.Add("source", "task.source.bad", in.Source)
	}
	v.Require("lead_unit", in.LeadUnit)
	if len(in.CoUnits) > MaxTaskCoUnits {
		v.Add("co_units", "task.co_units.many", MaxTaskCoUnits)
	}
	if in.Target < 0 {
		v.Add("target", "task.target.bad")
	}
	if in.Months < 0 || in.Months > MaxTaskMonths {
		v.Add("months", "task.months.bad", MaxTaskMonths)
	}
	if len(in.Milestones) > MaxTaskMilestone {
		v.Add("milestones", "task.milestones.many", MaxTaskMilestone)
	}
	prev := today
	for i, m := range in.Milestones {
		f := "milestones[" + strconv.Itoa(i) + "]"
		if m.Name == "" {
			v.Add(f, "task.milestone.name")
			continue
		}
		if _, ok := ParseDay(m.Due); !ok {
			v.Add(f, "campaign.day.bad", m.Due)
			continue
		}
		if m.Due < prev || (i > 0 && m.Due == prev) {
			v.Add(f, "task.milestone.backwards", m.Due, prev)
		}
		if m.Share < 0 || m.Share > 100 {
			v.Add(f, "task.milestone.share", m.Share)
		}
		prev = m.Due
	}
}

// TaskUnit is one unit of a task: the lead or a cooperating unit, with its
// signature and its latest progress.
type TaskUnit struct {
	Code     string     `json:"code"`
	Name     string     `json:"name"`
	Path     string     `json:"-"`
	Role     string     `json:"role"` // TaskLead | TaskCo
	SignedAt *time.Time `json:"signed_at,omitempty"`
	// Percent is the progress last reported (0–100); Quantity the quantity
	// done of a quantified task.
	Percent    int        `json:"percent"`
	Quantity   int64      `json:"quantity"`
	ReportedAt *time.Time `json:"reported_at,omitempty"`
	Reports    int        `json:"reports"`
}

// Task is a supervised work task as read.
type Task struct {
	ID         int64  `json:"id"`
	Title      string `json:"title"`
	Content    string `json:"content"`
	Source     string `json:"source"`
	ListYear   int    `json:"list_year,omitempty"`
	Ref        string `json:"ref,omitempty"`
	Type       string `json:"type"`
	Quantified bool   `json:"quantified"`
	Target     int64  `json:"target,omitempty"`
	TargetUnit string `json:"target_unit,omitempty"`
	// Unit is the issuing unit (the issuer's).
	Unit      string      `json:"unit"`
	UnitName  string      `json:"unit_name"`
	UnitPath  string      `json:"-"`
	Lead      string      `json:"lead_unit"`
	LeadName  string      `json:"lead_name"`
	Units     []*TaskUnit `json:"units"`
	State     string      `json:"state"`
	IssuedBy  int64       `json:"issued_by"`
	IssuedAt  time.Time   `json:"issued_at"`
	Due       time.Time   `json:"due"` // the last milestone's
	Plan      []Milestone `json:"milestones"`
	Percent   int         `json:"percent"` // the lead unit's progress
	Quantity  int64       `json:"quantity,omitempty"`
	Escalated int         `json:"escalation"` // Escalate…
	Behind    bool        `json:"behind"`
	// Expected is the 序时进度 at the time of reading (percent); set by the
	// store on every read.
	Expected   int        `json:"expected"`
	SentBack   int        `json:"sent_back"`
	FinishedAt *time.Time `json:"finished_at,omitempty"`
	ClosedAt   *time.Time `json:"closed_at,omitempty"`
	Version    int        `json:"version"`
}

// Progress answers the task's reported progress in percent: the quantity
// against the target of a quantified task, else the lead unit's percentage.
func (t *Task) Progress() int {
	if t.Target > 0 {
		return int(math.Min(100, math.Floor(float64(t.Quantity)*100/float64(t.Target))))
	}
	return t.Percent
}

// Lag answers how many points the progress reported lags the expected.
func (t *Task) Lag() int { return t.Expected - t.Progress() }

// TaskEvent is one row of a task's timeline.
type TaskEvent struct {
	At        time.Time      `json:"at"`
	ActorID   int64          `json:"actor_id"`
	ActorName string         `json:"actor_name"`
	Unit      string         `json:"unit"`
	Step      string         `json:"step"`
	Note      string         `json:"note,omitempty"`
	Details   map[string]any `json:"details,omitempty"`
	Evidence  []Evidence     `json:"evidence,omitempty"`
}

// Task steps (the rows of workflow/task.go).
const (
	TaskStepIssue     = "issue"
	TaskStepSign      = "sign"
	TaskStepProgress  = "progress"
	TaskStepFinish    = "finish"
	TaskStepVerify    = "verify"
	TaskStepSendBack  = "send_back"
	TaskStepUrge      = "urge"      // 催办
	TaskStepSupervise = "supervise" // 督办
	TaskStepNotify    = "notify"    // 通报
	TaskStepCancel    = "cancel"
	// TaskStepMissed is the watch's row: a milestone missed.
	TaskStepMissed = "missed"
)

// TaskAction is a step taken on a task.
type TaskAction struct {
	Step string `json:"step"`
	Note string `json:"note,omitempty"`
	// Unit is the unit acting when the actor's unit is ambiguous (a
	// centre's staff act for the unit they serve); the actor's unit when empty.
	Unit string `json:"unit,omitempty"`
	// Percent (0–100) or Quantity (against the target) of a progress report.
	Percent  *int     `json:"percent,omitempty"`
	Quantity *int64   `json:"quantity,omitempty"`
	Evidence []Upload `json:"-"`
	// Version is the version the actor saw; a newer one answers ECONFLICT.
	Version int `json:"version,omitempty"`
}

// TaskFilter selects tasks for a list.
type TaskFilter struct {
	// Side: "issued" (by the actor's unit), "assigned" (to it, lead or
	// co), or "" for every task of the jurisdiction.
	Side   string
	State  string // a state, "open", or "" for all
	Behind bool
	Year   int
	Limit  int
}

// TaskLine is one unit's line of the yearly list (年度重点任务清单):
// "15 项量化指标已完成 9 项".
type TaskLine struct {
	Code string `json:"code"`
	Name string `json:"name"`
	TaskCounts
}

// TaskCounts are the counters of tasks under one node in one year.
type TaskCounts struct {
	// Quantified (量化指标) and deployment (部署性) tasks.
	Quantified TaskTally `json:"quantified"`
	Deployment TaskTally `json:"deployment"`
}

// TaskTally is the counters of one kind of task.
type TaskTally struct {
	Issued    int64 `json:"issued"`
	Signed    int64 `json:"signed"`
	Done      int64 `json:"done"`    // verified and closed
	OnTime    int64 `json:"on_time"` // of them finished by the last milestone
	Open      int64 `json:"open"`
	Behind    int64 `json:"behind"` // open and behind schedule now
	Missed    int64 `json:"missed"` // milestones missed
	SentBack  int64 `json:"sent_back"`
	Urged     int64 `json:"urged"`
	Supervise int64 `json:"supervised"`
	Notified  int64 `json:"notified"`
	Cancelled int64 `json:"cancelled"`
}

// OnSchedule answers the open tasks not behind schedule.
func (t TaskTally) OnSchedule() int64 { return t.Open - t.Behind }

// TaskList is the yearly list of a unit: its total and its children's lines.
type TaskList struct {
	Year  int        `json:"year"`
	Unit  *Unit      `json:"unit"`
	Total TaskLine   `json:"total"`
	Lines []TaskLine `json:"lines"`
}

// TaskService keeps the supervised work tasks.
type TaskService interface {
	// IssueTask issues a task from the actor's unit. EFORBIDDEN for a role
	// that may not issue (workflow.TaskRules: leader, assessor,
	// dispatcher); EINVALID naming each bad field: Validate's, an unknown
	// type ("type"), a lead or co-unit outside the actor's jurisdiction
	// ("lead_unit", "co_units"), a quantified type without a target
	// ("target"). Nothing is written on error.
	IssueTask(ctx context.Context, actor *User, in *NewTask) (*Task, error)
	// FindTask answers a task the actor sees (issued in their
	// jurisdiction, or one of its units lies in it), with its timeline;
	// ENOTFOUND otherwise.
	FindTask(ctx context.Context, actor *User, id int64) (*Task, []*TaskEvent, error)
	// FindTasks answers the tasks the actor sees, open first, newest first.
	FindTasks(ctx context.Context, actor *User, f TaskFilter) ([]*Task, error)
	// ActOnTask takes a step. ENOTFOUND for a task the actor does not see;
	// EFORBIDDEN when the step is not the actor's (role or unit);
	// ECONFLICT when the state does not allow it, or the task changed since
	// Version; EINVALID naming the field: a progress over 100 or above the
	// target without a note ("note"), a send back without a reason
	// ("note"), a finish without a summary ("note"), bad evidence
	// ("evidence"). Nothing is written on error.
	ActOnTask(ctx context.Context, actor *User, id int64, a *TaskAction) (*Task, error)
	// TaskTypes answers the plans.
	TaskTypes(ctx context.Context) ([]*TaskType, error)
	// TaskList answers the yearly list under unit (the actor's when empty)
	// from the counters; ENOTFOUND for a unit outside the jurisdiction.
	TaskList(ctx context.Context, actor *User, unit string, year int) (*TaskList, error)
	// TaskEvidence answers a file attached to a progress report of a task
	// the actor sees; ENOTFOUND otherwise.
	TaskEvidence(ctx context.Context, actor *User, id int64, sum string) ([]byte, string, error)
	// TasksWaiting answers how many running tasks wait for the actor's
	// unit: to sign, or with a milestone due within soon (the inbox).
	TasksWaiting(ctx context.Context, actor *User, soon time.Duration) (int, error)
}

// ExpectedProgress answers the 序时进度 at now of a plan running from
// issued to due, in percent: the working days elapsed after the day of
// issue (up to and including now's day, at most due's) against those up to
// due's day; working tells a working day (the official calendar). A plan
// with no working day in it is due at once: 100.
func ExpectedProgress(issued, due, now time.Time, working func(day time.Time) bool) int {
	start := dayStart(issued)
	end := dayStart(due)
	at := dayStart(now)
	if !at.After(start) {
		return 0
	}
	total, elapsed := 0, 0
	for d := start.AddDate(0, 0, 1); !d.After(end); d = d.AddDate(0, 0, 1) {
		if working(d) {
			total++
			if !d.After(at) {
				elapsed++
			}
		}
	}
	if total == 0 || !at.Before(end) {
		return 100
	}
	return elapsed * 100 / total
}

// Behind reports whether a task with progress p against the expected e is
// behind schedule by more than points (TaskBehindPoints when 0).
func Behind(p, e, points int) bool {
	if points <= 0 {
		points = TaskBehindPoints
	}
	return p < e-points
}

func dayStart(t time.Time) time.Time {
	y, m, d := t.In(CST).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, CST)
}
