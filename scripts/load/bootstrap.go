package main

import (
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"
)

// shanghai is the zone the listings' windows are written in (the service's default).
var shanghai = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return loc
}()

// listing is a listing the load made.
type listing struct {
	id       string
	side     string // "offers" or "needs"
	quantity int64
	owner    int // index of its owner in world.units (offers) or world.communities (needs)
}

// world is the data one run creates for itself through the API, under a fresh prefix so runs
// never touch each other's data.
type world struct {
	prefix      string
	admin       *client
	coordinator *client
	streetID    string
	communities []member
	units       []member
	offers      []listing
	needs       []listing
	hot         listing
	firstNight  time.Time // 19:00 Shanghai, tomorrow
	nights      int
}

type member struct {
	orgID string
	c     *client
}

type setup struct {
	communities, units, offersPerUnit, needsPerCommunity int
	nights                                               int
	offerQuantity, hotQuantity                           int64
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = crand.Read(b)
	return hex.EncodeToString(b)
}

// parallel runs fn(i) for i in [0, n) on up to 4 goroutines and returns the first error.
func parallel(n int, fn func(i int) error) error {
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs error
		sem  = make(chan struct{}, 4)
	)
	for i := 0; i < n; i++ {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			if err := fn(i); err != nil {
				mu.Lock()
				if errs == nil {
					errs = err
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return errs
}

var center = struct{ lat, lng float64 }{24.3264, 109.4281}

func near(rng *rand.Rand) map[string]any {
	return map[string]any{"lat": center.lat + (rng.Float64()-0.5)*0.02, "lng": center.lng + (rng.Float64()-0.5)*0.02, "address": "五星街"}
}

func (w *world) night(i int) time.Time { return w.firstNight.AddDate(0, 0, i) }

// bootstrap creates a street with its coordinator, communities and units with one user each,
// an agreement between every community and every unit, offers, needs and the hot offer.
func bootstrap(ctx context.Context, admin *client, s setup) (*world, error) {
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	w := &world{prefix: "load-" + randomHex(4), admin: admin, nights: s.nights}
	y, m, d := time.Now().In(shanghai).Date()
	w.firstNight = time.Date(y, m, d+1, 19, 0, 0, 0, shanghai)
	password := "load-" + randomHex(12)

	var me struct {
		OrgID string `json:"org_id"`
	}
	if err := admin.do(ctx, "GET", "/api/v1/me", nil).decode(&me); err != nil {
		return nil, fmt.Errorf("me: %w", err)
	}
	org := func(kind, name, parent string, extra map[string]any) (string, error) {
		body := map[string]any{"kind": kind, "name": name, "parent_id": parent, "location": near(rng)}
		for k, v := range extra {
			body[k] = v
		}
		var o struct {
			ID string `json:"id"`
		}
		if err := admin.do(ctx, "POST", "/api/v1/orgs", body).decode(&o); err != nil {
			return "", fmt.Errorf("create %s %s: %w", kind, name, err)
		}
		return o.ID, nil
	}
	user := func(name, role, orgID string) (*client, error) {
		a := admin.do(ctx, "POST", "/api/v1/users", map[string]any{
			"username": name, "password": password, "role": role, "org_id": orgID, "display_name": name,
		})
		if a.status != http.StatusCreated {
			return nil, fmt.Errorf("create user %s: %s %.200s", name, a.outcome(), a.body)
		}
		return login(ctx, admin.http, admin.base, name, password)
	}
	var err error
	if w.streetID, err = org("street", w.prefix+" 街道", me.OrgID, nil); err != nil {
		return nil, err
	}
	if w.coordinator, err = user(w.prefix+"-coord", "coordinator", w.streetID); err != nil {
		return nil, err
	}
	w.communities = make([]member, s.communities)
	w.units = make([]member, s.units)
	err = parallel(s.communities+s.units, func(i int) error {
		if i < s.communities {
			id, err := org("community", fmt.Sprintf("%s 社区 %d", w.prefix, i), w.streetID, nil)
			if err != nil {
				return err
			}
			c, err := user(fmt.Sprintf("%s-staff-%d", w.prefix, i), "community_staff", id)
			w.communities[i] = member{orgID: id, c: c}
			return err
		}
		i -= s.communities
		id, err := org("unit", fmt.Sprintf("%s 单位 %d", w.prefix, i), w.streetID, nil)
		if err != nil {
			return err
		}
		c, err := user(fmt.Sprintf("%s-liaison-%d", w.prefix, i), "liaison", id)
		w.units[i] = member{orgID: id, c: c}
		return err
	})
	if err != nil {
		return nil, err
	}
	today := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	err = parallel(s.communities*s.units, func(i int) error {
		cm, un := w.communities[i/s.units], w.units[i%s.units]
		var ag struct {
			ID string `json:"id"`
		}
		err := admin.do(ctx, "POST", "/api/v1/agreements", map[string]any{
			"party_a_org_id": un.orgID, "party_b_org_id": cm.orgID, "title": w.prefix + " 共建协议",
			"categories": []string{"parking", "venue"}, "starts_on": today.Format("2006-01-02"),
			"ends_on": today.AddDate(1, 0, 0).Format("2006-01-02"),
		}).decode(&ag)
		if err != nil {
			return fmt.Errorf("agreement: %w", err)
		}
		for _, signer := range []*client{un.c, cm.c} {
			if a := signer.do(ctx, "POST", "/api/v1/agreements/"+ag.ID+"/sign", nil); !a.ok() {
				return fmt.Errorf("sign: %s %.200s", a.outcome(), a.body)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	window := map[string]any{
		"start": w.firstNight.Format(time.RFC3339), "end": w.firstNight.Add(12 * time.Hour).Format(time.RFC3339),
		"rrule": fmt.Sprintf("FREQ=DAILY;COUNT=%d", s.nights),
	}
	post := func(side string, owner int, by *client, category string, q int64, title string) (listing, error) {
		var l struct {
			ID string `json:"id"`
		}
		err := by.do(ctx, "POST", "/api/v1/"+side, map[string]any{
			"category": category, "title": title, "quantity": q, "location": near(rng), "radius_km": 3,
			"windows": []any{window},
		}).decode(&l)
		if err != nil {
			return listing{}, fmt.Errorf("post %s: %w", side, err)
		}
		return listing{id: l.ID, side: side, quantity: q, owner: owner}, nil
	}
	categories := []string{"parking", "parking", "venue"}
	w.offers = make([]listing, s.units*s.offersPerUnit)
	w.needs = make([]listing, s.communities*s.needsPerCommunity)
	err = parallel(len(w.offers)+len(w.needs), func(i int) error {
		var err error
		if i < len(w.offers) {
			u := i / s.offersPerUnit
			w.offers[i], err = post("offers", u, w.units[u].c, categories[i%len(categories)], s.offerQuantity, fmt.Sprintf("%s 车位 %d", w.prefix, i))
			return err
		}
		i -= len(w.offers)
		c := i / s.needsPerCommunity
		w.needs[i], err = post("needs", c, w.communities[c].c, categories[i%len(categories)], 1+int64(i%5), fmt.Sprintf("%s 需求 %d", w.prefix, i))
		return err
	})
	if err != nil {
		return nil, err
	}
	w.hot, err = post("offers", 0, w.units[0].c, "parking", s.hotQuantity, w.prefix+" 热门车位 19:00")
	return w, err
}
