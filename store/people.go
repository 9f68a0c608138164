package store

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/pingan-gov/pingan"
)

// The blind index of people (盲索引). The names and phone numbers of a
// case's reporter and parties are sealed in the case row, so no query can
// look into them. Beside the row, case_people (migration 0012) keeps, for
// each normalised name and phone number, its HMAC-SHA256 under a key
// derived from the data key for this purpose alone: a search by a name or a
// phone number computes the same HMAC and matches it exactly, inside the
// searcher's jurisdiction, without opening a single case; the table tells
// nothing to whoever reads it without the key. The index is written in the
// transaction that writes the case (writeCase); cases from before it are
// indexed once at start (IndexPeople).
//
// Whoever searches by a person is written to the audit log (search_person):
// the kind of the value (name or phone), its masked form and its HMAC —
// never the value itself — so the log says who looked for the same person
// without saying who that is.

// blindPurpose names the key of the blind index among the keys derived
// from the data key.
const blindPurpose = "blind index"

// The kinds of values in the index; each is part of what its HMAC covers,
// so a name never matches a phone number.
const (
	personName  = "name"
	personPhone = "phone"
)

// auditSearchPerson is the audit action of a search by a person.
const auditSearchPerson = "search_person"

// normalName answers a name as indexed: trimmed, runs of white space as
// one space.
func normalName(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// normalPhone answers a phone number as indexed: its digits alone, the
// country code of a mobile number written +86 1xx… dropped.
func normalPhone(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else if r >= '０' && r <= '９' { // full-width digits, as some input methods type them
			b.WriteRune('0' + r - '０')
		}
	}
	d := b.String()
	if len(d) == 13 && strings.HasPrefix(d, "861") {
		d = d[2:]
	}
	return d
}

// personQuery answers what a search for s looks for: a phone number when s
// is digits with the separators of phone numbers only, otherwise a name;
// value is "" when nothing is left to search.
func personQuery(s string) (kind, value string) {
	phone := strings.TrimSpace(s) != ""
	for _, r := range s {
		if !(r >= '0' && r <= '9') && !(r >= '０' && r <= '９') && !strings.ContainsRune(" -+()（）－", r) {
			phone = false
			break
		}
	}
	if phone {
		return personPhone, normalPhone(s)
	}
	return personName, normalName(s)
}

// blindKey answers the key of the blind index; nil when the store's sealer
// derives no keys.
func (h *handle) blindKey() []byte { return deriveKey(h.sealer, blindPurpose) }

// blindMAC answers the hex HMAC of a value of kind.
func blindMAC(key []byte, kind, value string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(kind))
	m.Write([]byte{0})
	m.Write([]byte(value))
	return hex.EncodeToString(m.Sum(nil))
}

// peopleMACs answers the HMACs of the names and phone numbers of the
// reporter and the parties, each once.
func peopleMACs(key []byte, reporter *pingan.Person, parties []pingan.Person) []string {
	var out []string
	seen := map[string]bool{}
	add := func(kind, value string) {
		if value == "" {
			return
		}
		m := blindMAC(key, kind, value)
		if !seen[m] {
			seen[m] = true
			out = append(out, m)
		}
	}
	people := parties
	if reporter != nil {
		people = append([]pingan.Person{*reporter}, parties...)
	}
	for _, p := range people {
		add(personName, normalName(p.Name))
		add(personPhone, normalPhone(p.Phone))
	}
	return out
}

// indexPeople writes the blind index of the people of c, a case being
// written in tx, its personal data in clear. Nothing without a key.
func (h *handle) indexPeople(ctx context.Context, tx *sql.Tx, c *pingan.Case) error {
	key := h.blindKey()
	if key == nil {
		return nil
	}
	return insertMACs(ctx, tx, c.Region, c.ID, peopleMACs(key, c.Reporter, c.Parties))
}

// insertMACs adds the HMACs of one case to the index, in one statement.
func insertMACs(ctx context.Context, tx *sql.Tx, region, id string, macs []string) error {
	if len(macs) == 0 {
		return nil
	}
	var a args
	rows := make([]string, len(macs))
	for i, m := range macs {
		rows[i] = "(" + a.list(region, id, m) + ")"
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO case_people (region, case_id, mac) VALUES `+strings.Join(rows, ", ")+
		` ON CONFLICT (region, case_id, mac) DO NOTHING`, a...)
	return err
}

// indexBatch is how many cases of the backlog IndexPeople indexes in one
// transaction.
const indexBatch = 500

// IndexPeople writes the blind index of the cases written before it
// existed (the backlog of migration 0012), a batch to a transaction, and
// answers how many it indexed. Several servers may run it at once. Without
// a key that derives (a test's sealer) it does nothing.
func (db *DB) IndexPeople(ctx context.Context) (int, error) {
	key := db.blindKey()
	if key == nil {
		return 0, nil
	}
	done := 0
	for {
		n, err := db.indexBacklog(ctx, key)
		done += n
		if err != nil {
			return done, fmt.Errorf("store: %s: %w", pingan.Text(pingan.ZH, "search.person.index.failed"), err)
		}
		if n < indexBatch {
			break
		}
	}
	if done > 0 {
		db.log.Info("the people of earlier cases indexed for search", "cases", done)
	}
	return done, nil
}

// indexBacklog indexes one batch of the backlog and takes it off.
func (db *DB) indexBacklog(ctx context.Context, key []byte) (int, error) {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	lock := "" // SQLite's one writer excludes other servers already
	if db.dialect == Postgres {
		lock = " FOR UPDATE OF b SKIP LOCKED"
	}
	rows, err := tx.QueryContext(ctx, `SELECT b.region, b.case_id, c.reporter_sealed, c.parties_sealed
		FROM case_people_backlog b LEFT JOIN cases c ON c.region = b.region AND c.id = b.case_id
		ORDER BY b.region, b.case_id LIMIT `+fmt.Sprint(indexBatch)+lock)
	if err != nil {
		return 0, err
	}
	type pending struct {
		region, id        string
		reporter, parties []byte
	}
	var batch []pending
	for rows.Next() {
		var p pending
		if err := rows.Scan(&p.region, &p.id, &p.reporter, &p.parties); err != nil {
			rows.Close()
			return 0, err
		}
		batch = append(batch, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	for _, p := range batch {
		sc := sealedCase{Case: &pingan.Case{Region: p.region, ID: p.id}, reporter: p.reporter, parties: p.parties}
		reporter, parties, err := db.openPeople(sc)
		if err != nil {
			return 0, err
		}
		if err := insertMACs(ctx, tx, p.region, p.id, peopleMACs(key, reporter, parties)); err != nil {
			return 0, err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM case_people_backlog WHERE region = $1 AND case_id = $2`, p.region, p.id); err != nil {
			return 0, err
		}
	}
	return len(batch), tx.Commit()
}

// openPeople opens the sealed reporter and parties of sc.
func (h *handle) openPeople(sc sealedCase) (*pingan.Person, []pingan.Person, error) {
	var reporter *pingan.Person
	var parties []pingan.Person
	if len(sc.reporter) > 0 {
		b, err := h.sealer.Open(sc.reporter)
		if err != nil {
			return nil, nil, fmt.Errorf("case %s reporter: %w", sc.ID, err)
		}
		reporter = new(pingan.Person)
		if err := json.Unmarshal(b, reporter); err != nil {
			return nil, nil, fmt.Errorf("case %s reporter: %w", sc.ID, err)
		}
	}
	if len(sc.parties) > 0 {
		b, err := h.sealer.Open(sc.parties)
		if err != nil {
			return nil, nil, fmt.Errorf("case %s parties: %w", sc.ID, err)
		}
		if err := json.Unmarshal(b, &parties); err != nil {
			return nil, nil, fmt.Errorf("case %s parties: %w", sc.ID, err)
		}
	}
	return reporter, parties, nil
}

// searchTerms is what the filters of a search add to FindCases:
// conditions, and the person looked for, to be audited.
type searchTerms struct {
	where []string
	// person is set for a search by a person: the kind, the value masked
	// and its HMAC, as the audit row records them.
	person *personSearch
}

type personSearch struct {
	Kind   string `json:"kind"`
	Masked string `json:"masked"`
	MAC    string `json:"mac"`
}

// mayFindPeople are the roles that may search by a person: those whose
// work reads the people of their jurisdiction's cases whole
// (pingan.SeesPersonal).
var mayFindPeople = []pingan.Role{pingan.RoleDispatcher, pingan.RoleMediator, pingan.RoleLeader}

// searchFilter adds the conditions of f's search fields to a, and their
// faults to v: Holding (own: held by the actor's own level; below: by a
// level under it), GridName (a grid whose name contains it) and Person (an
// exact name or phone number in the blind index). The case is cases,
// unqualified; $1 is the actor's jurisdiction pattern. A search by a
// person from a role that may not is refused: EFORBIDDEN naming person.
func (h *handle) searchFilter(v *pingan.Invalid, actor *pingan.User, f pingan.CaseFilter, a *args) (searchTerms, error) {
	var s searchTerms
	switch f.Holding {
	case "":
	case "own":
		s.where = append(s.where, "holding_path = "+a.add(actor.ScopePath))
	case "below":
		s.where = append(s.where, `(holding_path LIKE $1 ESCAPE '\' AND holding_path <> `+a.add(actor.ScopePath)+`)`)
	default:
		v.Add("holding", "search.holding.unknown", f.Holding)
	}
	if name := strings.TrimSpace(f.GridName); name != "" {
		s.where = append(s.where, fmt.Sprintf(`grid IN (SELECT code FROM grids WHERE name %s %s ESCAPE '\')`,
			h.dialect.ilike(), a.add(likeContains(name))))
	}
	if strings.TrimSpace(f.Person) == "" {
		return s, nil
	}
	may := false
	for _, r := range mayFindPeople {
		may = may || actor.Has(r)
	}
	if !may {
		return s, &pingan.Error{Code: pingan.EFORBIDDEN, Msg: pingan.Msg("search.person.forbidden"),
			Fields: map[string]pingan.Message{"person": pingan.Msg("search.person.forbidden")}}
	}
	kind, value := personQuery(f.Person)
	key := h.blindKey()
	switch {
	case value == "":
		v.Add("person", "search.person.empty")
	case key == nil:
		v.Add("person", "search.person.unavailable")
	default:
		p := &personSearch{Kind: kind, MAC: blindMAC(key, kind, value), Masked: pingan.MaskName(value)}
		if kind == personPhone {
			p.Masked = pingan.MaskPhone(value)
		}
		s.person = p
		s.where = append(s.where, "(region, id) IN (SELECT region, case_id FROM case_people WHERE mac = "+a.add(p.MAC)+")")
	}
	return s, nil
}

// beginSearch starts the transaction of a search: a read, or a write when
// the search is by a person and so is audited.
func (h *handle) beginSearch(ctx context.Context, s searchTerms) (*sql.Tx, error) {
	if s.person != nil {
		return h.beginWrite(ctx)
	}
	return h.beginRead(ctx)
}

// auditSearch writes the audit row of a search by a person, in the
// search's transaction: who, when, the kind of value, its masked form and
// its HMAC. The row carries the region of the searcher's unit and no case.
func (h *handle) auditSearch(ctx context.Context, tx *sql.Tx, actor *pingan.User, s searchTerms) error {
	if s.person == nil {
		return nil
	}
	region := ""
	if u, err := h.lookupUnit(ctx, tx, actor.UnitCode); err != nil {
		return err
	} else if u != nil {
		region = u.Region
	}
	b, err := json.Marshal(s.person)
	if err != nil {
		return err
	}
	return h.audit(ctx, tx, actor, auditSearchPerson, region, "", string(b))
}

// offsetClause answers the OFFSET of a page of a search, "" for none.
func offsetClause(n int, arg func(any) string) string {
	if n > 0 {
		return " OFFSET " + arg(n)
	}
	return ""
}

// SearchCases answers a page of the cases FindCases answers for f — the
// page of f.Offset and f.Limit, newest first, masked — and how many cases
// match in all: a count with the same conditions. A search by a person is
// audited once.
func (s *Cases) SearchCases(ctx context.Context, actor *pingan.User, f pingan.CaseFilter) ([]*pingan.Case, int, error) {
	var total int
	cs, _, err := s.findCases(ctx, actor, f, &total)
	return cs, total, err
}
