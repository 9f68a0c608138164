package web

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/workflow"
)

// Supervised work tasks (督办事项, 13710, docs/tasks.md): the list (issued by
// my unit / assigned to it, state, behind schedule), the form that issues
// one, the task's page (plan and milestones, each unit's signature and
// progress with evidence, the 序时进度 bar, the timeline, the step forms)
// and the yearly list (年度重点任务清单: "15 项量化指标已完成 9 项").

func init() {
	pageNames = append(pageNames, "tasks", "task", "task_new", "task_list")
	registerInboxMore(func(s *Server, r *http.Request, u *pingan.User) (inboxMore, bool) {
		if s.tasks == nil || !u.May(pingan.CapTasks) {
			return inboxMore{}, false
		}
		n, err := s.tasks.TasksWaiting(r.Context(), u, 48*time.Hour)
		if err != nil {
			s.log.Error("tasks waiting", "err", err)
			return inboxMore{}, false
		}
		return inboxMore{Label: pingan.Text(langOf(r), "task.inbox"), Count: n, Href: "/tasks?side=assigned&state=open"}, true
	})
}

// routesTasks registers the tasks' pages when a task service is configured.
func (s *Server) routesTasks(h func(pattern string, handler http.HandlerFunc)) {
	if s.tasks == nil {
		return
	}
	read := func(f http.HandlerFunc) http.HandlerFunc { return s.signedIn(s.may(pingan.CapTasks, f)) }
	h("GET /tasks", read(s.tasksPage))
	h("GET /tasks/new", read(s.taskNewPage))
	h("POST /tasks", read(s.form(s.issueTask)))
	h("GET /tasks/{task}", read(s.taskPage))
	h("POST /tasks/{task}/act", read(s.form(s.actOnTask)))
	h("GET /tasks/{task}/evidence/{sum}", read(s.taskEvidence))
	h("GET /tasks/list/{year}", read(s.taskListPage))
}

// TasksReady reports whether the tasks' pages are served (the menu).
func (v *view) TasksReady() bool { return v.s != nil && v.s.tasks != nil }

// TaskStates and TaskSources list the states and sources for the forms.
func (v *view) TaskStates() []string  { return pingan.TaskStates }
func (v *view) TaskSources() []string { return pingan.TaskSources }

// TaskTypeName answers the name of a plan: its words when it is built in,
// else its name as configured.
func (v *view) TaskTypeName(t *pingan.TaskType) string {
	if t.Code == pingan.TaskType13710 || t.Code == pingan.TaskTypeMonthly {
		return v.T("task.type." + t.Code)
	}
	return t.Name
}

// TaskState, TaskSource and TaskStep answer the words of a task's state,
// source and step.
func (v *view) TaskState(s string) string  { return v.T("task.state." + s) }
func (v *view) TaskSource(s string) string { return v.T("task.source." + s) }
func (v *view) TaskStep(s string) string   { return v.T("task.step." + s) }

// TaskEscalation answers the word of an escalation level, "" for none.
func (v *view) TaskEscalation(level int) string {
	if s := workflow.EscalationStep(level); s != "" {
		return v.T("task.step." + s)
	}
	return ""
}

// TaskDetail answers a timeline row's details as one line: the milestone
// a watch step names, the progress a report gave.
func (v *view) TaskDetail(ev *pingan.TaskEvent) string {
	var parts []string
	if m, ok := ev.Details["milestone"].(string); ok {
		parts = append(parts, v.T("task.detail.missed", m))
	}
	if p, ok := ev.Details["percent"].(float64); ok {
		parts = append(parts, v.T("task.detail.percent", int(p)))
	}
	if q, ok := ev.Details["quantity"].(float64); ok {
		parts = append(parts, v.T("task.detail.quantity", int64(q)))
	}
	return strings.Join(parts, v.T("task.sep"))
}

// taskRow is a task in a list with the bar's figures.
type taskRow struct {
	*pingan.Task
	Reported int // the progress reported, percent (at most 100 for the bar)
}

// Bar answers the reported and the expected progress as fractions (0–1).
func (r taskRow) Bar() float64       { return min(float64(r.Reported), 100) / 100 }
func (r taskRow) Expected1() float64 { return float64(r.Expected) / 100 }

func taskRowOf(t *pingan.Task) taskRow { return taskRow{Task: t, Reported: t.Progress()} }

// tasksData is the list of tasks.
type tasksData struct {
	Tasks            []taskRow
	Side, State      string
	Behind, MayIssue bool
	Year             int
}

func (s *Server) tasksPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	u := userOf(r)
	d := &tasksData{Side: q.Get("side"), State: q.Get("state"), Behind: q.Get("behind") != "", MayIssue: workflow.MayIssue(u),
		Year: s.clock.Now().In(pingan.CST).Year()}
	if d.Side != "issued" && d.Side != "assigned" {
		d.Side = ""
	}
	ts, err := s.tasks.FindTasks(r.Context(), u, pingan.TaskFilter{Side: d.Side, State: d.State, Behind: d.Behind})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, t := range ts {
		d.Tasks = append(d.Tasks, taskRowOf(t))
	}
	v := s.newView(r, "tasks")
	v.Title, v.Nav, v.D = v.T("task.title"), "tasks", d
	s.render(w, r, v)
}

// taskNewData is the form that issues a task.
type taskNewData struct {
	Issuer *pingan.Unit
	Units  []*pingan.Unit // the units below the issuer's, lead or cooperating
	Types  []*pingan.TaskType
	Values url.Values
	Errors map[string]string
	Error  string
}

// MilestoneErrors answers what is wrong with the hand-made milestones, in
// their order.
func (d *taskNewData) MilestoneErrors() []string {
	var out []string
	for i := 0; i <= pingan.MaxTaskMilestone; i++ {
		if m, ok := d.Errors["milestones["+strconv.Itoa(i)+"]"]; ok {
			out = append(out, m)
		}
	}
	if m, ok := d.Errors["milestones"]; ok {
		out = append(out, m)
	}
	return out
}

// Checked reports whether a co-unit's box is ticked.
func (d *taskNewData) Checked(code string) bool {
	for _, c := range d.Values["co_units"] {
		if c == code {
			return true
		}
	}
	return false
}

func (s *Server) taskNewPage(w http.ResponseWriter, r *http.Request) {
	if !workflow.MayIssue(userOf(r)) { // the form is an issuer's; the others go back to the list
		http.Redirect(w, r, "/tasks", http.StatusSeeOther)
		return
	}
	s.renderTaskNew(w, r, url.Values{"source": {pingan.TaskFromInstruction}, "type": {pingan.TaskType13710}}, nil, http.StatusOK)
}

func (s *Server) renderTaskNew(w http.ResponseWriter, r *http.Request, values url.Values, ferr error, status int) {
	ctx, u := r.Context(), userOf(r)
	if !workflow.MayIssue(u) {
		s.fail(w, r, pingan.E(pingan.EFORBIDDEN, "task.issue.forbidden"))
		return
	}
	v := s.newView(r, "task_new")
	v.Title, v.Nav = v.T("task.new"), "tasks"
	d := &taskNewData{Values: values}
	if ferr != nil {
		d.Errors, d.Error = v.fields(ferr), v.Message(ferr)
	}
	code := u.UnitCode
	if parts := strings.Split(strings.Trim(u.ScopePath, "/"), "/"); len(parts) > 0 {
		code = parts[len(parts)-1]
	}
	var err error
	if d.Issuer, err = s.units.FindUnit(ctx, u, code); err != nil {
		s.fail(w, r, err)
		return
	}
	all, err := s.units.FindUnits(ctx, u, pingan.UnitFilter{})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, x := range all {
		if x.Code != d.Issuer.Code && x.Level != pingan.LevelCentre && strings.HasPrefix(x.Path, d.Issuer.Path) && len(d.Units) < 400 {
			d.Units = append(d.Units, x)
		}
	}
	if d.Types, err = s.tasks.TaskTypes(ctx); err != nil {
		s.fail(w, r, err)
		return
	}
	v.D = d
	s.renderStatus(w, r, v, status)
}

// issueTask issues a task from the form; hand-made milestones come as
// lines "YYYY-MM-DD 名称 进度" in the milestones field.
func (s *Server) issueTask(w http.ResponseWriter, r *http.Request) {
	if !workflow.MayIssue(userOf(r)) { // as the form: back to the list
		http.Redirect(w, r, "/tasks", http.StatusSeeOther)
		return
	}
	f := r.PostForm
	in := &pingan.NewTask{Title: f.Get("title"), Content: f.Get("content"), Source: f.Get("source"), Ref: f.Get("ref"),
		Type: f.Get("type"), LeadUnit: f.Get("lead_unit"), CoUnits: f["co_units"], TargetUnit: f.Get("target_unit")}
	var v pingan.Invalid
	num := func(field string) int64 {
		x := strings.TrimSpace(f.Get(field))
		if x == "" {
			return 0
		}
		n, err := strconv.ParseInt(x, 10, 64)
		if err != nil {
			v.Add(field, "task.number.bad", x)
		}
		return n
	}
	in.ListYear, in.Target, in.Months = int(num("list_year")), num("target"), int(num("months"))
	for i, line := range strings.Split(strings.TrimSpace(f.Get("milestones")), "\n") {
		fs := strings.Fields(line)
		if len(fs) == 0 {
			continue
		}
		m := pingan.NewMilestone{Due: fs[0]}
		if len(fs) > 1 {
			m.Name = fs[1]
		}
		if len(fs) > 2 {
			n, err := strconv.Atoi(strings.TrimSuffix(fs[2], "%"))
			if err != nil {
				v.Add("milestones["+strconv.Itoa(i)+"]", "task.number.bad", fs[2])
			}
			m.Share = n
		}
		in.Milestones = append(in.Milestones, m)
	}
	err := v.Err()
	var t *pingan.Task
	if err == nil {
		t, err = s.tasks.IssueTask(r.Context(), userOf(r), in)
	}
	if err != nil {
		if pingan.ErrorCode(err) != pingan.EINVALID {
			s.fail(w, r, err)
			return
		}
		s.renderTaskNew(w, r, f, err, http.StatusBadRequest)
		return
	}
	http.Redirect(w, r, "/tasks/"+strconv.FormatInt(t.ID, 10)+"?issued=1", http.StatusSeeOther)
}

// taskData is the task's page.
type taskData struct {
	T      taskRow
	Events []*pingan.TaskEvent
	Steps  []string // the steps the reader may take now
	Base   string
	Errors map[string]string
	Error  string
	Values url.Values
}

// Has reports whether the reader may take step now.
func (d *taskData) Has(step string) bool {
	for _, s := range d.Steps {
		if s == step {
			return true
		}
	}
	return false
}

// Escalations are the steps of escalation the reader may take.
func (d *taskData) Escalations() []string {
	var out []string
	for _, s := range []string{pingan.TaskStepUrge, pingan.TaskStepSupervise, pingan.TaskStepNotify} {
		if d.Has(s) {
			out = append(out, s)
		}
	}
	return out
}

func taskIDOf(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("task"), 10, 64)
	if err != nil || id <= 0 {
		return 0, pingan.E(pingan.ENOTFOUND, "task.notfound", int64(0))
	}
	return id, nil
}

func (s *Server) taskPage(w http.ResponseWriter, r *http.Request) {
	s.renderTask(w, r, nil, nil, http.StatusOK)
}

func (s *Server) renderTask(w http.ResponseWriter, r *http.Request, values url.Values, ferr error, status int) {
	id, err := taskIDOf(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	u := userOf(r)
	t, evs, err := s.tasks.FindTask(r.Context(), u, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := s.newView(r, "task")
	v.Title, v.Nav = t.Title, "tasks"
	switch {
	case r.URL.Query().Get("issued") != "":
		v.Notice = v.T("task.issued")
	case r.URL.Query().Get("done") != "":
		v.Notice = v.T("task.done", v.TaskStep(r.URL.Query().Get("done")))
	}
	d := &taskData{T: taskRowOf(t), Events: evs, Steps: workflow.TaskStepsFor(t, u), Base: "/tasks/" + strconv.FormatInt(id, 10), Values: values}
	if ferr != nil {
		d.Errors, d.Error = v.fields(ferr), v.Message(ferr)
	}
	v.D = d
	s.renderStatus(w, r, v, status)
}

// actOnTask takes the step of the form: step, note, percent or quantity,
// evidence files, version.
func (s *Server) actOnTask(w http.ResponseWriter, r *http.Request) {
	id, err := taskIDOf(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := r.PostForm
	if r.MultipartForm != nil {
		f = r.MultipartForm.Value
	}
	get := func(k string) string {
		if vs := f[k]; len(vs) > 0 {
			return strings.TrimSpace(vs[0])
		}
		return ""
	}
	a := &pingan.TaskAction{Step: get("step"), Note: get("note")}
	a.Version, _ = strconv.Atoi(get("version"))
	var v pingan.Invalid
	if p := get("percent"); p != "" {
		n, err := strconv.Atoi(strings.TrimSuffix(p, "%"))
		if err != nil {
			v.Add("percent", "task.number.bad", p)
		}
		a.Percent = &n
	}
	if q := get("quantity"); q != "" {
		n, err := strconv.ParseInt(q, 10, 64)
		if err != nil {
			v.Add("quantity", "task.number.bad", q)
		}
		a.Quantity = &n
	}
	if a.Evidence, err = readPhotos(r, "evidence"); err != nil {
		s.fail(w, r, err)
		return
	}
	err = v.Err()
	if err == nil {
		_, err = s.tasks.ActOnTask(r.Context(), userOf(r), id, a)
	}
	if err != nil {
		if pingan.ErrorCode(err) == pingan.ENOTFOUND {
			s.fail(w, r, err)
			return
		}
		st := http.StatusBadRequest
		switch pingan.ErrorCode(err) {
		case pingan.ECONFLICT:
			st = http.StatusConflict
		case pingan.EFORBIDDEN:
			st = http.StatusForbidden
		}
		s.renderTask(w, r, url.Values(f), err, st)
		return
	}
	http.Redirect(w, r, "/tasks/"+strconv.FormatInt(id, 10)+"?done="+url.QueryEscape(a.Step), http.StatusSeeOther)
}

func (s *Server) taskEvidence(w http.ResponseWriter, r *http.Request) {
	id, err := taskIDOf(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	data, ct, err := s.tasks.TaskEvidence(r.Context(), userOf(r), id, r.PathValue("sum"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !strings.HasPrefix(ct, "image/") && ct != "application/pdf" {
		ct = "application/octet-stream"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Cache-Control", "private, max-age=86400, immutable")
	http.ServeContent(w, r, "", fileTime, bytes.NewReader(data))
}

// taskListData is the yearly list of a unit.
type taskListData struct {
	L          *pingan.TaskList
	Rows       []taskListRow // the lines, then the total
	Prev, Next int
}

// taskListRow is a line of the yearly list with its sums over both kinds.
type taskListRow struct {
	pingan.TaskLine
	Total                       bool
	Missed, SentBack, Escalated int64
}

func listRow(l pingan.TaskLine, total bool) taskListRow {
	q, d := l.Quantified, l.Deployment
	return taskListRow{TaskLine: l, Total: total, Missed: q.Missed + d.Missed, SentBack: q.SentBack + d.SentBack,
		Escalated: q.Urged + q.Supervise + q.Notified + d.Urged + d.Supervise + d.Notified}
}

func (s *Server) taskListPage(w http.ResponseWriter, r *http.Request) {
	year, err := strconv.Atoi(r.PathValue("year"))
	if err != nil || year < 2000 || year > 2100 {
		s.fail(w, r, pingan.E(pingan.ENOTFOUND, "page.notfound"))
		return
	}
	l, err := s.tasks.TaskList(r.Context(), userOf(r), r.URL.Query().Get("unit"), year)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := s.newView(r, "task_list")
	v.Title, v.Nav = v.T("task.list.title", year), "tasks"
	d := &taskListData{L: l, Prev: year - 1, Next: year + 1}
	for _, line := range l.Lines {
		d.Rows = append(d.Rows, listRow(line, false))
	}
	d.Rows = append(d.Rows, listRow(l.Total, true))
	v.D = d
	s.render(w, r, v)
}
