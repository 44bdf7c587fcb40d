package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/gongjian/gongjian/domain"
	"github.com/gongjian/gongjian/domain/people"
	"github.com/gongjian/gongjian/domain/schedule"
	"github.com/gongjian/gongjian/repository"
)

// The people part of the demo (API.md §10): residents and in-service party members of 五星社区
// who registered there (双报到), a mini-program acting for them, a weekend volunteer post they
// claimed and served (their hours reported to their employers), and the community's share of the
// school's night car park handed on to residents with passes. It finds the orgs and users of the
// demo by name, so it runs after the rest of the demo (LoadDemo), whatever else that loaded; it
// needs 五星社区, its street's coordinator, its staff and 柳州市第一中学's liaison officer, and
// skips itself without them, or when people are registered already.

// demoPeople builds the people part, keeping the first error, with a marketplace on its own
// clock so that the services of the past weeks happen when they say.
type demoPeople struct {
	a      *App
	ctx    context.Context
	at     time.Time
	market *domain.Marketplace
	err    error
}

// LoadDemoPeople loads the people part of the demo after LoadDemo and prints what it loaded.
func (a *App) LoadDemoPeople(ctx context.Context, w io.Writer) error {
	ctx = context.WithoutCancel(ctx)
	admin, err := a.adminPrincipal(ctx)
	if err != nil {
		return err
	}
	lines, err := a.loadDemoPeople(ctx, admin)
	if err != nil {
		return fmt.Errorf("demo people: %w", err)
	}
	for _, l := range lines {
		fmt.Fprintln(w, l)
	}
	return nil
}

// loadDemoPeople loads the people part and returns the lines to print about it.
func (a *App) loadDemoPeople(ctx context.Context, admin domain.Principal) ([]string, error) {
	if have, err := a.People.List(ctx, admin, people.Filter{Page: domain.Page{Limit: 1}}); err != nil || len(have) > 0 {
		return nil, err // loaded on an earlier start, or people of a real database
	}
	d := &demoPeople{a: a, ctx: ctx, at: a.Now()}
	m, err := domain.NewMarketplace(domain.MarketplaceStores{
		Orgs: repository.NewOrgs(a.DB), Categories: repository.NewCategories(a.DB), Listings: repository.NewListings(a.DB),
		Agreements: repository.NewAgreements(a.DB), Claims: repository.NewClaims(a.DB), Runs: repository.NewRuns(a.DB),
	}, a.Config.ClaimHold, func() time.Time { return d.at })
	if err != nil {
		return nil, err
	}
	d.market = m
	orgs, err := a.Directory.ListOrgs(ctx, admin, domain.OrgFilter{Page: domain.Page{Limit: 100}})
	if err != nil {
		return nil, err
	}
	byName := map[string]domain.Org{}
	for _, o := range orgs {
		byName[o.Name] = o
	}
	users, err := a.Directory.ListUsers(ctx, admin, domain.UserFilter{Page: domain.Page{Limit: 100}})
	if err != nil {
		return nil, err
	}
	as := map[string]domain.Principal{}
	for _, u := range users {
		if o, ok := orgs0(orgs, u.OrgID); ok {
			as[u.Username] = domain.Principal{UserID: u.ID, Role: u.Role, OrgID: o.ID, OrgKind: o.Kind, StreetID: o.StreetID, DistrictID: o.DistrictID}
		}
	}
	community, ok1 := byName["五星社区"]
	school, ok2 := byName["柳州市第一中学"]
	bank := byName["柳州银行五星支行"]
	staff, ok3 := as["staff-wuxing"]
	coord, ok4 := as["coord-wuxing"]
	schoolL, ok5 := as["liaison-school"]
	if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 {
		return []string{"people demo skipped: 五星社区, 柳州市第一中学 or their users are missing"}, nil
	}
	return d.load(admin, community, school, bank, staff, coord, schoolL)
}

func orgs0(orgs []domain.Org, id string) (domain.Org, bool) {
	for _, o := range orgs {
		if o.ID == id {
			return o, true
		}
	}
	return domain.Org{}, false
}

func (d *demoPeople) person(p domain.Principal, name, phone string, employer *domain.Org, party bool, externalID, clientID string, skills ...string) people.View {
	if d.err != nil {
		return people.View{}
	}
	in := people.Input{Name: &name, Phone: &phone, PartyMember: &party, Skills: &skills}
	if employer != nil && employer.ID != "" {
		in.EmployerOrgID = &employer.ID
	}
	if externalID != "" {
		in.ExternalID = &externalID
		if p.Role != domain.RoleApp {
			in.ExternalClientID = &clientID
		}
	}
	v, err := d.a.People.Register(d.ctx, p, in)
	d.err = err
	return v
}

func (d *demoPeople) listing(p domain.Principal, side domain.Side, category, title string, qty int64, loc domain.Location, start time.Time, length time.Duration, rule string, open, auto bool) domain.Listing {
	if d.err != nil {
		return domain.Listing{}
	}
	windows := []domain.WindowInput{{Start: start, End: start.Add(length), RRule: rule}}
	l, err := d.market.CreateListing(d.ctx, p, side, domain.ListingInput{
		Category: &category, Title: &title, Quantity: &qty, Location: &loc, Windows: &windows,
		OpenToPeople: &open, PeopleAutoApprove: &auto,
	})
	d.err = err
	return l
}

func (d *demoPeople) claim(p domain.Principal, l domain.Listing, qty int64, start time.Time, length time.Duration, rule string) domain.Claim {
	if d.err != nil {
		return domain.Claim{}
	}
	c, err := d.market.CreateClaim(d.ctx, p, domain.ClaimInput{ListingID: l.ID, Quantity: qty,
		Window: domain.WindowInput{Start: start, End: start.Add(length), RRule: rule}})
	d.err = err
	return c
}

func (d *demoPeople) act(p domain.Principal, c domain.Claim, action domain.ClaimAction, rating int) {
	if d.err != nil {
		return
	}
	_, d.err = d.market.ActOnClaim(d.ctx, p, c.ID, action, "", rating)
}

func (d *demoPeople) load(admin domain.Principal, community, school, bank domain.Org, staff, coord, schoolL domain.Principal) ([]string, error) {
	ctx := d.ctx
	loc := schedule.DefaultLocation()
	now := d.a.Now().In(loc)
	y, m, dd := now.Date()
	midnight := time.Date(y, m, dd, 0, 0, 0, 0, loc)
	// The Saturday three weeks back, at 09:00: the volunteer post's first morning.
	first := midnight.AddDate(0, 0, -21)
	for first.Weekday() != time.Saturday {
		first = first.AddDate(0, 0, -1)
	}
	first = first.Add(9 * time.Hour)

	// The community's mini-program: it registers residents (pending until staff verify them)
	// and acts for them with person tokens.
	name := "五星社区·双报到小程序"
	app, secret, err := d.a.Clients.Create(ctx, admin, domain.ClientInput{Name: &name, OrgID: &community.ID,
		Scopes: []string{domain.ScopeListingsRead, domain.ScopePeopleWrite, domain.ScopePeopleAct}})
	if err != nil {
		return nil, err
	}
	appP := domain.Principal{ClientID: app.ClientID, Role: domain.RoleApp, OrgID: community.ID, OrgKind: community.Kind,
		StreetID: community.StreetID, Scopes: app.Scopes}

	// In-service party members registered by the community's staff (verified at once), and a
	// resident who registered through the mini-program and waits for verification.
	li := d.person(staff, "李明", "13977210001", &school, true, "demo-openid-liming", app.ClientID, "patrol", "volunteer")
	wang := d.person(staff, "王芳", "13977210002", &bank, true, "demo-openid-wangfang", app.ClientID, "elderly_care", "cleanup")
	chen := d.person(staff, "陈军", "13977210003", &school, true, "demo-openid-chenjun", app.ClientID, "patrol")
	zhao := d.person(staff, "赵国庆", "13977210004", nil, false, "demo-openid-zhao", app.ClientID)
	d.person(appP, "刘婷", "13977210005", nil, true, "demo-openid-liuting", "", "culture")
	if d.err != nil {
		return nil, d.err
	}
	as := func(v people.View) domain.Principal {
		if d.err != nil {
			return domain.Principal{}
		}
		p, err := d.a.People.PersonPrincipal(ctx, v.ID, app.ClientID)
		d.err = err
		return p
	}

	// A weekend patrol post of the community, open to people: three Saturdays served by two
	// members (the owner's confirmation fulfils a person's claim and records their hours), and
	// the coming Saturdays claimed, one of them waiting for the staff's approval.
	commLoc := domain.Location{Lat: 24.3251, Lng: 109.4155, Address: "五星社区"}
	d.at = first.Add(-7 * 24 * time.Hour)
	post := d.listing(staff, domain.SideNeed, "patrol", "周末小区治安巡逻志愿岗（在职党员）", 4, commLoc, first, 3*time.Hour, "FREQ=WEEKLY;BYDAY=SA;COUNT=12", true, false)
	served := []domain.Claim{
		d.claim(as(li), post, 1, first, 3*time.Hour, "FREQ=WEEKLY;BYDAY=SA;COUNT=3"),
		d.claim(as(chen), post, 1, first.AddDate(0, 0, 7), 3*time.Hour, "FREQ=WEEKLY;BYDAY=SA;COUNT=2"),
	}
	for _, c := range served {
		d.act(staff, c, domain.ActionApprove, 0)
	}
	care := d.listing(staff, domain.SideNeed, "elderly_care", "独居老人周末陪伴", 3, commLoc, first.Add(5*time.Hour), 2*time.Hour, "FREQ=WEEKLY;BYDAY=SA;COUNT=12", true, true)
	served = append(served, d.claim(as(wang), care, 1, first.Add(5*time.Hour), 2*time.Hour, "FREQ=WEEKLY;BYDAY=SA;COUNT=3"))
	d.at = now.Add(-time.Hour)
	for _, c := range served {
		d.act(staff, c, domain.ActionConfirm, 0)
	}
	d.act(as(li), served[0], domain.ActionFeedback, 5)
	next := first.AddDate(0, 0, 21)
	for !next.After(now) {
		next = next.AddDate(0, 0, 7)
	}
	d.claim(as(li), post, 1, next, 3*time.Hour, "")
	d.claim(as(chen), post, 1, next, 3*time.Hour, "")
	if d.err != nil {
		return nil, d.err
	}

	// The school's car park at night: the community claims spaces, the street approves, and the
	// community hands them on to residents' cars with passes a guard checks at the gate.
	schoolLoc := domain.Location{Lat: 24.3275, Lng: 109.4170, Address: "柳州市第一中学"}
	tonight := midnight.Add(19 * time.Hour)
	if !tonight.After(now) {
		tonight = tonight.AddDate(0, 0, 1)
	}
	park := d.listing(schoolL, domain.SideOffer, "parking", "教职工停车场夜间车位（居民凭通行证）", 10, schoolLoc, tonight, 12*time.Hour, "FREQ=DAILY;COUNT=60", false, false)
	parking := d.claim(staff, park, 3, tonight, 12*time.Hour, "FREQ=DAILY;COUNT=30")
	if errors.Is(d.err, domain.ErrNoActiveAgreement) {
		// The rest of the demo signed no parking agreement between the two: sign one.
		d.err = nil
		today := now.Format(domain.DateLayout)
		ag, err := d.market.CreateAgreement(ctx, staff, domain.AgreementInput{PartyAOrgID: community.ID, PartyBOrgID: school.ID,
			Title: "五星社区—柳州市第一中学 错时停车协议", Categories: []string{"parking"}, StartsOn: today,
			EndsOn: now.AddDate(1, 0, 0).Format(domain.DateLayout)})
		if err != nil {
			return nil, err
		}
		for _, p := range []domain.Principal{staff, schoolL} {
			if _, err := d.market.SignAgreement(ctx, p, ag.ID); err != nil {
				return nil, err
			}
		}
		parking = d.claim(staff, park, 3, tonight, 12*time.Hour, "FREQ=DAILY;COUNT=30")
	}
	d.act(coord, parking, domain.ActionApprove, 0)
	if d.err != nil {
		return nil, d.err
	}
	plate := func(s string) people.PassInput { return people.PassInput{PersonID: zhao.ID, Plate: s} }
	pass, err := d.a.People.IssuePass(ctx, staff, parking.ID, plate("桂B·A1234"))
	if err != nil {
		return nil, err
	}
	in := plate("桂B·C5678")
	in.PersonID = li.ID
	if _, err := d.a.People.IssuePass(ctx, staff, parking.ID, in); err != nil {
		return nil, err
	}
	hours := 0.0
	for _, v := range []people.View{li, wang, chen} {
		sum, _, _, err := d.a.People.PersonService(ctx, admin, v.ID, nil, nil)
		if err != nil {
			return nil, err
		}
		hours += float64(sum.Seconds) / 3600
	}
	return []string{
		fmt.Sprintf("people (双报到): 5 registered with 五星社区 (刘婷 pending verification), 4 in-service party members; %g volunteer hours served on 周末小区治安巡逻志愿岗 and 独居老人周末陪伴, reported to their employers 柳州市第一中学 and 柳州银行五星支行 (GET /api/v1/orgs/{id}/member-service as liaison-school or liaison-bank)", hours),
		fmt.Sprintf("passes (通行证): 2 on the community's night parking claim at 柳州市第一中学; check code %s at GET /api/v1/passes/verify?code= as liaison-school", pass.Code),
		fmt.Sprintf("mini-program %q (people:write, people:act): client_id %s, client_secret %s (shown once) — POST /api/v1/oauth/token with grant_type=urn:ietf:params:oauth:grant-type:token-exchange, subject_token=demo-openid-liming, subject_token_type=urn:gongjian:token-type:external-id",
			name, app.ClientID, secret),
	}, nil
}
