package api

import (
	"net/http"
	"strconv"

	"github.com/pingan-gov/pingan"
)

// Supervised work tasks (督办事项, docs/tasks.md, docs/api.md "Tasks").

// routesTasks registers the tasks' routes when a task service is configured.
func (s *Server) routesTasks() {
	if s.tasks == nil {
		return
	}
	s.authed("GET /api/v1/tasks", s.may(pingan.CapTasks, s.listTasks))
	s.authed("POST /api/v1/tasks", s.may(pingan.CapTasks, s.issueTask))
	s.authed("GET /api/v1/tasks/{id}", s.may(pingan.CapTasks, s.getTask))
	s.authed("POST /api/v1/tasks/{id}/actions", s.may(pingan.CapTasks, s.actOnTask))
	s.authed("GET /api/v1/tasks/{id}/evidence/{sum}", s.may(pingan.CapTasks, s.taskEvidence))
	s.authed("GET /api/v1/task-types", s.may(pingan.CapTasks, s.listTaskTypes))
	s.authed("GET /api/v1/task-lists/{year}", s.may(pingan.CapTasks, s.taskList))
}

// taskID reads the {id} of the path; anything but a positive number is a
// task that does not exist.
func taskID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, pingan.E(pingan.ENOTFOUND, "task.notfound", int64(0))
	}
	return id, nil
}

// listTasks answers GET /api/v1/tasks?side=issued|assigned&state=&behind=1&year=
// with {"tasks": […]}: those the caller sees, open first, newest first.
func (s *Server) listTasks(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r)
	f := pingan.TaskFilter{Side: q.str("side"), State: q.str("state"), Year: q.int("year", 0, 0, 2100), Limit: q.int("limit", 200, 1, 500)}
	if b := q.bool("behind"); b != nil {
		f.Behind = *b
	}
	switch f.Side {
	case "", "issued", "assigned":
	default:
		q.v.Add("side", "task.side.bad", f.Side)
	}
	if err := q.err(); err != nil {
		return err
	}
	ts, err := s.tasks.FindTasks(r.Context(), userFrom(r.Context()), f)
	if err != nil {
		return err
	}
	if ts == nil {
		ts = []*pingan.Task{}
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"tasks": ts})
	return nil
}

// issueTask issues a task: POST /api/v1/tasks with a pingan.NewTask → 201
// with the task and its Location.
func (s *Server) issueTask(w http.ResponseWriter, r *http.Request) error {
	var in pingan.NewTask
	if err := s.decode(w, r, &in); err != nil {
		return err
	}
	t, err := s.tasks.IssueTask(r.Context(), userFrom(r.Context()), &in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", Prefix+"tasks/"+strconv.FormatInt(t.ID, 10))
	s.writeJSON(w, http.StatusCreated, t)
	return nil
}

// getTask answers GET /api/v1/tasks/{id} with {"task": …, "events": […]}.
func (s *Server) getTask(w http.ResponseWriter, r *http.Request) error {
	id, err := taskID(r)
	if err != nil {
		return err
	}
	t, evs, err := s.tasks.FindTask(r.Context(), userFrom(r.Context()), id)
	if err != nil {
		return err
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"task": t, "events": evs})
	return nil
}

// actOnTask takes a step: POST /api/v1/tasks/{id}/actions with {"step",
// "note", "unit", "percent", "quantity", "evidence": [{"name", "data"}],
// "version"} → 200 with the task.
func (s *Server) actOnTask(w http.ResponseWriter, r *http.Request) error {
	id, err := taskID(r)
	if err != nil {
		return err
	}
	var in struct {
		pingan.TaskAction
		Evidence []evidenceIn `json:"evidence"`
	}
	if err := s.decode(w, r, &in); err != nil {
		return err
	}
	a := in.TaskAction
	a.Evidence = uploads(in.Evidence)
	t, err := s.tasks.ActOnTask(r.Context(), userFrom(r.Context()), id, &a)
	if err != nil {
		return err
	}
	s.writeJSON(w, http.StatusOK, t)
	return nil
}

// taskEvidence answers GET /api/v1/tasks/{id}/evidence/{sum} with the file.
func (s *Server) taskEvidence(w http.ResponseWriter, r *http.Request) error {
	id, err := taskID(r)
	if err != nil {
		return err
	}
	data, typ, err := s.tasks.TaskEvidence(r.Context(), userFrom(r.Context()), id, r.PathValue("sum"))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", typ)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(data)
	return err
}

// listTaskTypes answers GET /api/v1/task-types with {"types": […]}.
func (s *Server) listTaskTypes(w http.ResponseWriter, r *http.Request) error {
	ts, err := s.tasks.TaskTypes(r.Context())
	if err != nil {
		return err
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"types": ts})
	return nil
}

// taskList answers GET /api/v1/task-lists/{year}?unit= with the yearly list
// (pingan.TaskList) from the counters.
func (s *Server) taskList(w http.ResponseWriter, r *http.Request) error {
	year, err := strconv.Atoi(r.PathValue("year"))
	if err != nil || year < 2000 || year > 2100 {
		return pingan.Invalidf("year", "task.list_year.bad", year)
	}
	l, err := s.tasks.TaskList(r.Context(), userFrom(r.Context()), newQuery(r).str("unit"), year)
	if err != nil {
		return err
	}
	s.writeJSON(w, http.StatusOK, l)
	return nil
}
