package web

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/pingan-gov/pingan"
)

// routesFind registers the pages of search and pickers.
func (s *Server) routesFind(h func(pattern string, handler http.HandlerFunc)) {
	s.pages["search"] = &page{t: template.Must(template.New("search").Funcs(funcs).ParseFS(assets,
		"templates/layout.html", "templates/parts.html", "templates/search.html"))}
	h("GET /search", s.signedIn(s.may(pingan.CapReadCases, s.searchPage)))
	s.routesPicker(h)
}

// caseSearcher answers a page of cases by number and the count of every
// match (the store's Cases.SearchCases). Without it the search page lists
// pages without their count.
type caseSearcher interface {
	SearchCases(ctx context.Context, actor *pingan.User, f pingan.CaseFilter) ([]*pingan.Case, int, error)
}

// searchPageSize is how many cases a page of the search lists.
const searchPageSize = 20

// searchForm is the search (查询) as asked: the number or words of a
// title (or the exact 12345 work order number), a person's name or phone
// number, a date range of the report, a grid's name, a status, the least
// urgency and 重大敏感 only (fieldFilter, inbox.go).
type searchForm struct {
	Q, Person, From, To, Grid, Status string
	Urgency, Sensitive                string
}

// pageLink is a link to a page of the results; Gap stands for the pages
// left out between two links.
type pageLink struct {
	N       int
	Href    string
	Current bool
	Gap     bool
}

type searchData struct {
	Form     searchForm
	Statuses []pingan.Status
	Rows     []*row
	// Total is the count of every match; -1 when not known.
	Total       int
	Page, Pages int
	Links       []pageLink
	Prev, Next  string
	Error       string
	Errors      map[string]string
}

// searchPage answers GET /search: the form, and the cases in the user's
// jurisdiction that match it, a page at a time with the count of all,
// masked like every list. A search by a person is audited by the store.
func (s *Server) searchPage(w http.ResponseWriter, r *http.Request) {
	ctx, u, q := r.Context(), userOf(r), r.URL.Query()
	v := s.newView(r, "search")
	v.Title, v.Nav = v.T("search.title"), "search"
	form := searchForm{Q: strings.TrimSpace(q.Get("q")), Person: strings.TrimSpace(q.Get("person")),
		From: strings.TrimSpace(q.Get("from")), To: strings.TrimSpace(q.Get("to")),
		Grid: strings.TrimSpace(q.Get("grid")), Status: q.Get("status")}
	form.Urgency, form.Sensitive = fieldFilter(q)
	d := &searchData{Form: form, Statuses: pingan.Statuses, Total: -1}
	status := http.StatusOK
	f, page, err := form.filter(q.Get("page"))
	var cs []*pingan.Case
	if err == nil {
		cs, d.Total, err = s.search(ctx, u, f)
	}
	if err != nil {
		d.Error, d.Errors, status = v.Message(err), v.fields(err), statusOf(err)
	} else {
		cats, err := s.categories.Categories(ctx)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d.Rows = s.rows(ctx, u, cs, indexCategories(cats), s.clock.Now(), v.Lang)
		d.paginate(page, len(cs))
	}
	v.D = d
	s.renderStatus(w, r, v, status)
}

// filter reads the form into a filter of the page'th page: EINVALID naming
// a date or a page that is none.
func (sf searchForm) filter(pageText string) (pingan.CaseFilter, int, error) {
	var v pingan.Invalid
	f := pingan.CaseFilter{Q: sf.Q, Person: sf.Person, GridName: sf.Grid, Limit: searchPageSize,
		MinUrgency: pingan.Urgency(sf.Urgency), Sensitive: sf.Sensitive != ""}
	if sf.Status != "" {
		f.Status = []pingan.Status{pingan.Status(sf.Status)}
	}
	day := func(field, s string) time.Time {
		if s == "" {
			return time.Time{}
		}
		t, err := time.ParseInLocation(time.DateOnly, s, pingan.CST)
		if err != nil {
			v.Add(field, "search.date.bad", s)
		}
		return t
	}
	f.From = day("from", sf.From)
	if to := day("to", sf.To); !to.IsZero() {
		f.To = to.AddDate(0, 0, 1) // the whole last day
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		v.Add("to", "search.date.order")
	}
	page := 1
	if pageText != "" {
		n, err := strconv.Atoi(pageText)
		if err != nil || n < 1 || n > 100000 {
			v.Add("page", "search.page.bad", pageText)
		} else {
			page = n
		}
	}
	f.Offset = (page - 1) * searchPageSize
	return f, page, v.Err()
}

// search answers the page of f and the count of all (-1 when the service
// does not count).
func (s *Server) search(ctx context.Context, u *pingan.User, f pingan.CaseFilter) ([]*pingan.Case, int, error) {
	if cs, ok := s.cases.(caseSearcher); ok {
		return cs.SearchCases(ctx, u, f)
	}
	list, _, err := s.cases.FindCases(ctx, u, f)
	return list, -1, err
}

// paginate fills the links to the pages around page: the first and the
// last, three either side of the current one, gaps between.
func (d *searchData) paginate(page, listed int) {
	d.Page = page
	href := func(n int) string { return "/search?" + d.Form.query(n) }
	if d.Total < 0 { // no count: only the way on and back
		if page > 1 {
			d.Prev = href(page - 1)
		}
		if listed == searchPageSize {
			d.Next = href(page + 1)
		}
		return
	}
	d.Pages = (d.Total + searchPageSize - 1) / searchPageSize
	if page > 1 && page <= d.Pages+1 {
		d.Prev = href(page - 1)
	}
	if page < d.Pages {
		d.Next = href(page + 1)
	}
	if d.Pages <= 1 {
		return
	}
	last := 0
	for n := 1; n <= d.Pages; n++ {
		if n != 1 && n != d.Pages && (n < page-3 || n > page+3) {
			continue
		}
		if last != 0 && n > last+1 {
			d.Links = append(d.Links, pageLink{Gap: true})
		}
		d.Links = append(d.Links, pageLink{N: n, Href: href(n), Current: n == page})
		last = n
	}
}

// query answers the form as a query string of page n.
func (sf searchForm) query(n int) string {
	q := url.Values{}
	for k, val := range map[string]string{"q": sf.Q, "person": sf.Person, "from": sf.From, "to": sf.To,
		"grid": sf.Grid, "status": sf.Status, "urgency": sf.Urgency, "sensitive": sf.Sensitive} {
		if val != "" {
			q.Set(k, val)
		}
	}
	if n > 1 {
		q.Set("page", strconv.Itoa(n))
	}
	return q.Encode()
}
