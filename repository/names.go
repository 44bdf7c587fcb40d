package repository

import (
	"context"
	"strings"

	"gorm.io/gorm"

	"github.com/gongjian/gongjian/domain"
)

// Names is the domain.NameStore: one query per kind of id asked for, whatever their number
// (chunked only beyond the engines' limits on bound parameters).
type Names struct{ db *DB }

// NewNames returns the name store of db.
func NewNames(db *DB) *Names { return &Names{db: db} }

type idName struct {
	ID   string
	Name string
}

type listingNameRow struct {
	ID       string
	Title    string
	Category string
	OrgID    string
	OrgName  string
}

const nameChunk = 500

// chunks calls fn with slices of ids of at most nameChunk.
func chunks(ids []string, fn func([]string) error) error {
	for start := 0; start < len(ids); start += nameChunk {
		if err := fn(ids[start:min(start+nameChunk, len(ids))]); err != nil {
			return err
		}
	}
	return nil
}

func pluckNames(q *gorm.DB, table, id, name string, ids []string, into map[string]string) error {
	return chunks(ids, func(part []string) error {
		var rows []idName
		if err := q.Table(table).Select(id+" AS id, "+name+" AS name").Where(id+" IN ?", part).Scan(&rows).Error; err != nil {
			return err
		}
		for _, r := range rows {
			into[r.ID] = r.Name
		}
		return nil
	})
}

// Names looks up the names of refs. Actors are users (their display name, else their username)
// or apps (by client id).
func (s *Names) Names(ctx context.Context, refs domain.NameRefs) (domain.Names, error) {
	q := s.db.conn(ctx)
	out := domain.Names{Orgs: map[string]string{}, Actors: map[string]string{},
		Listings: map[string]domain.ListingName{}, Agreements: map[string]string{}}
	if len(refs.Orgs)+len(refs.Agreements)+3*len(refs.Actors)+len(refs.Listings) <= nameChunk {
		return out, translate(namesAtOnce(q, refs, out))
	}
	if len(refs.Orgs) > 0 {
		if err := pluckNames(q, "orgs", "id", "name", refs.Orgs, out.Orgs); err != nil {
			return out, translate(err)
		}
	}
	if len(refs.Agreements) > 0 {
		if err := pluckNames(q, "agreements", "id", "title", refs.Agreements, out.Agreements); err != nil {
			return out, translate(err)
		}
	}
	if len(refs.Actors) > 0 {
		name := "CASE WHEN display_name = '' THEN username ELSE display_name END"
		if err := pluckNames(q, "users", "id", name, refs.Actors, out.Actors); err != nil {
			return out, translate(err)
		}
		var apps []string
		for _, id := range refs.Actors {
			if _, ok := out.Actors[id]; !ok {
				apps = append(apps, id)
			}
		}
		if len(apps) > 0 {
			if err := pluckNames(q, "clients", "client_id", "name", apps, out.Actors); err != nil {
				return out, translate(err)
			}
		}
		// People act too (a person's claim, through the app acting for them).
		var persons []string
		for _, id := range apps {
			if _, ok := out.Actors[id]; !ok {
				persons = append(persons, id)
			}
		}
		if len(persons) > 0 {
			if err := pluckNames(q, "people", "id", "name", persons, out.Actors); err != nil {
				return out, translate(err)
			}
		}
	}
	if len(refs.Listings) > 0 {
		err := chunks(refs.Listings, func(part []string) error {
			var rows []listingNameRow
			err := q.Table("listings").
				Select("listings.id AS id, listings.title AS title, listings.category AS category, listings.org_id AS org_id, orgs.name AS org_name").
				Joins("JOIN orgs ON orgs.id = listings.org_id").Where("listings.id IN ?", part).Scan(&rows).Error
			for _, r := range rows {
				out.Listings[r.ID] = domain.ListingName{Title: r.Title, Category: r.Category, OrgID: r.OrgID, OrgName: r.OrgName}
			}
			return err
		})
		if err != nil {
			return out, translate(err)
		}
	}
	return out, nil
}

// namesAtOnce answers a response's names (a handful of ids of each kind) in one statement, one
// round trip instead of one per kind: every response names what it refers to, so this runs on
// every request.
func namesAtOnce(q *gorm.DB, refs domain.NameRefs, out domain.Names) error {
	var (
		parts []string
		args  []any
	)
	add := func(sql string, ids []string) {
		if len(ids) > 0 {
			parts = append(parts, sql)
			args = append(args, ids)
		}
	}
	// Every part names its columns: the first part present names the result's, and any kind may
	// be absent.
	const none = `'' AS category, '' AS org_id, '' AS org_name`
	add(`SELECT 'o' AS kind, id, name, `+none+` FROM orgs WHERE id IN ?`, refs.Orgs)
	add(`SELECT 'g' AS kind, id, title AS name, `+none+` FROM agreements WHERE id IN ?`, refs.Agreements)
	add(`SELECT 'u' AS kind, id, CASE WHEN display_name = '' THEN username ELSE display_name END AS name, `+none+`
		FROM users WHERE id IN ?`, refs.Actors)
	add(`SELECT 'c' AS kind, client_id AS id, name, `+none+` FROM clients WHERE client_id IN ?`, refs.Actors)
	add(`SELECT 'p' AS kind, id, name, `+none+` FROM people WHERE id IN ?`, refs.Actors)
	add(`SELECT 'l' AS kind, listings.id AS id, listings.title AS name, listings.category AS category,
		listings.org_id AS org_id, orgs.name AS org_name
		FROM listings JOIN orgs ON orgs.id = listings.org_id WHERE listings.id IN ?`, refs.Listings)
	var rows []struct {
		Kind, ID, Name, Category, OrgID, OrgName string
	}
	if err := q.Raw(strings.Join(parts, " UNION ALL "), args...).Scan(&rows).Error; err != nil {
		return err
	}
	// An actor is a user, else an app, else a person, as in the query-per-kind path.
	apps, people := map[string]string{}, map[string]string{}
	for _, r := range rows {
		switch r.Kind {
		case "o":
			out.Orgs[r.ID] = r.Name
		case "g":
			out.Agreements[r.ID] = r.Name
		case "u":
			out.Actors[r.ID] = r.Name
		case "c":
			apps[r.ID] = r.Name
		case "p":
			people[r.ID] = r.Name
		case "l":
			out.Listings[r.ID] = domain.ListingName{Title: r.Name, Category: r.Category, OrgID: r.OrgID, OrgName: r.OrgName}
		}
	}
	for _, m := range []map[string]string{apps, people} {
		for id, name := range m {
			if _, ok := out.Actors[id]; !ok {
				out.Actors[id] = name
			}
		}
	}
	return nil
}
