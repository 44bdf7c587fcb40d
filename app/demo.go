package app

import (
	"context"
	"fmt"
	"io"
	"net"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/gongjian/gongjian/domain"
	"github.com/gongjian/gongjian/domain/schedule"
	"github.com/gongjian/gongjian/repository"
)

// DemoPassword is the password of every demo user; the demo is for trying gongjian locally.
const DemoPassword = "gongjian-demo"

// demoUser is one demo log-in; the list is printed on every start with --demo.
type demoUser struct {
	username, name string
	role           domain.Role
	org            string // the org's name
}

// demoUsers are the demo's log-ins: every demo org has one.
var demoUsers = []demoUser{
	{"admin", "城中区管理员", domain.RoleAdmin, "柳州市城中区"},
	{"coord-wuxing", "五星街道党建办", domain.RoleCoordinator, "五星街道"},
	{"coord-gongyuan", "公园街道党建办", domain.RoleCoordinator, "公园街道"},
	{"staff-wuxing", "五星社区书记", domain.RoleCommunityStaff, "五星社区"},
	{"staff-zhongshan", "中山社区主任", domain.RoleCommunityStaff, "中山社区"},
	{"staff-gongyuan", "公园社区书记", domain.RoleCommunityStaff, "公园社区"},
	{"staff-yingshan", "映山社区主任", domain.RoleCommunityStaff, "映山社区"},
	{"liaison-school", "一中联络员", domain.RoleLiaison, "柳州市第一中学"},
	{"liaison-bank", "银行联络员", domain.RoleLiaison, "柳州银行五星支行"},
	{"liaison-hospital", "医院联络员", domain.RoleLiaison, "城中区人民医院"},
	{"liaison-justice", "司法局联络员", domain.RoleLiaison, "城中区司法局"},
	{"liaison-power", "供电局联络员", domain.RoleLiaison, "柳州供电局城中营业厅"},
}

// LoadDemo loads a street office's working week in a Liuzhou district (柳州市城中区): streets,
// communities and units with users and contacts, agreements (some awaiting a signature),
// offers and needs, claims in every status made over the past days (some pending ones about to
// expire), feedback and matching runs. It loads only into a database without users, so it never
// touches real data, and goes through the domain services, as the API does. Whether it loaded
// the data now or on an earlier start, it prints how to log in.
func (a *App) LoadDemo(ctx context.Context, w io.Writer) error {
	ctx = context.WithoutCancel(ctx)
	created, err := a.Directory.Bootstrap(ctx, "柳州市城中区", "admin", DemoPassword)
	if err != nil {
		return err
	}
	admin, err := a.adminPrincipal(ctx)
	if err != nil {
		return err
	}
	if !created {
		users, err := a.Directory.ListUsers(ctx, admin, domain.UserFilter{Page: domain.Page{Limit: 100}})
		if err != nil {
			return err
		}
		have := map[string]bool{}
		for _, u := range users {
			have[u.Username] = true
		}
		for _, u := range demoUsers {
			if !have[u.username] {
				fmt.Fprintf(w, "demo: the database already has users that are not the demo's; demo data not loaded.\nconsole: %s/console/   API docs: %s/docs\n",
					baseURL(a.Config.Addr), baseURL(a.Config.Addr))
				return nil
			}
		}
		fmt.Fprintln(w, "demo data already loaded (柳州市城中区); the database keeps what was done since.")
		a.printDemoLogins(w)
		return nil
	}
	d, err := newDemo(ctx, a, admin)
	if err != nil {
		return err
	}
	d.load()
	if d.err != nil {
		return fmt.Errorf("demo: %w", d.err)
	}
	fmt.Fprintf(w, "demo data loaded: 柳州市城中区, a street office's working week — %d orgs, %d users, %d agreements (%d awaiting a signature), %d listings, %d claims (%s), %d matching runs.\n",
		d.orgs, len(demoUsers), d.agreements, d.unsigned, d.listings, d.claimCount(), d.claimSummary(), d.runs)
	a.printDemoLogins(w)
	return nil
}

func (a *App) printDemoLogins(w io.Writer) {
	base := baseURL(a.Config.Addr)
	fmt.Fprintf(w, "console: %s/console/   API docs: %s/docs\n", base, base)
	fmt.Fprintf(w, "log in with any of these users, password %q (POST /api/v1/auth/login {\"username\", \"password\"}):\n", DemoPassword)
	tw := tabwriter.NewWriter(w, 2, 8, 2, ' ', 0)
	for _, u := range demoUsers {
		fmt.Fprintf(tw, "  %s\t%s\t%s · %s\n", u.username, u.role, u.org, u.name)
	}
	_ = tw.Flush()
}

// baseURL is the URL a browser on this machine reaches addr at (":8080" is http://localhost:8080).
func baseURL(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://" + addr
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

func (a *App) adminPrincipal(ctx context.Context) (domain.Principal, error) {
	users, err := a.Directory.ListUsers(ctx, domain.Principal{Role: domain.RoleAdmin}, domain.UserFilter{Page: domain.Page{Limit: 100}})
	if err != nil {
		return domain.Principal{}, fmt.Errorf("demo admin: %w", err)
	}
	i := slices.IndexFunc(users, func(u domain.User) bool { return u.Role == domain.RoleAdmin })
	if i < 0 {
		return domain.Principal{}, fmt.Errorf("demo admin: no admin")
	}
	u := users[i]
	org, err := a.Directory.GetOrg(ctx, domain.Principal{Role: domain.RoleAdmin}, u.OrgID)
	if err != nil {
		return domain.Principal{}, err
	}
	return domain.Principal{UserID: u.ID, Role: domain.RoleAdmin, OrgID: org.ID, OrgKind: org.Kind, DistrictID: org.ID}, nil
}

// demo builds the data set, keeping the first error. Its marketplace reads the demo's own clock
// (at), so that what happened over the past week happens at the time it says: claims made days
// ago, decided hours later, some pending ones about to expire now.
type demo struct {
	a      *App
	ctx    context.Context
	admin  domain.Principal
	market *domain.Marketplace
	now    time.Time // the real time the demo is loaded
	at     time.Time // the demo clock
	hold   time.Duration
	err    error

	orgs, agreements, unsigned, listings, runs int
	statuses                                   map[domain.ClaimStatus]int
}

func newDemo(ctx context.Context, a *App, admin domain.Principal) (*demo, error) {
	d := &demo{a: a, ctx: ctx, admin: admin, now: time.Now(), hold: a.Config.ClaimHold, statuses: map[domain.ClaimStatus]int{}}
	m, err := domain.NewMarketplace(domain.MarketplaceStores{
		Orgs: repository.NewOrgs(a.DB), Categories: repository.NewCategories(a.DB), Listings: repository.NewListings(a.DB),
		Agreements: repository.NewAgreements(a.DB), Claims: repository.NewClaims(a.DB), Runs: repository.NewRuns(a.DB),
	}, a.Config.ClaimHold, func() time.Time { return d.at.UTC() })
	if err != nil {
		return nil, err
	}
	d.market = m
	d.at = d.now
	return d, nil
}

func (d *demo) claimCount() int {
	n := 0
	for _, c := range d.statuses {
		n += c
	}
	return n
}

func (d *demo) claimSummary() string {
	var parts []string
	for _, s := range []domain.ClaimStatus{domain.ClaimPending, domain.ClaimApproved, domain.ClaimFulfilled, domain.ClaimRejected, domain.ClaimCancelled, domain.ClaimExpired} {
		if d.statuses[s] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", d.statuses[s], s))
		}
	}
	return strings.Join(parts, ", ")
}

func (d *demo) org(kind domain.OrgKind, name string, parent *domain.Org, lat, lng float64, address, contact, phone string) domain.Org {
	if d.err != nil {
		return domain.Org{}
	}
	in := domain.OrgInput{Kind: &kind, Name: &name, Address: &address, ContactName: &contact, ContactPhone: &phone,
		Location: &domain.Location{Lat: lat, Lng: lng, Address: address}}
	if parent != nil {
		in.ParentID = &parent.ID
	}
	o, err := d.a.Directory.CreateOrg(d.ctx, d.admin, in)
	d.err = err
	d.orgs++
	return o
}

func (d *demo) user(username string, org domain.Org) domain.Principal {
	if d.err != nil {
		return domain.Principal{}
	}
	i := slices.IndexFunc(demoUsers, func(u demoUser) bool { return u.username == username })
	spec := demoUsers[i]
	pw, phone, role := DemoPassword, fmt.Sprintf("1380771%04d", 1001+i), spec.role
	u, err := d.a.Directory.CreateUser(d.ctx, d.admin, domain.UserInput{
		Username: &username, Password: &pw, DisplayName: &spec.name, Phone: &phone, Role: &role, OrgID: &org.ID,
	})
	d.err = err
	return domain.Principal{UserID: u.ID, Role: role, OrgID: org.ID, OrgKind: org.Kind, StreetID: org.StreetID, DistrictID: org.DistrictID}
}

func (d *demo) listing(p domain.Principal, side domain.Side, category, title string, qty int64, loc domain.Location, start time.Time, length time.Duration, rule string) domain.Listing {
	if d.err != nil {
		return domain.Listing{}
	}
	windows := []domain.WindowInput{{Start: start, End: start.Add(length), RRule: rule}}
	l, err := d.market.CreateListing(d.ctx, p, side, domain.ListingInput{
		Category: &category, Title: &title, Quantity: &qty, Location: &loc, Windows: &windows,
	})
	d.err = err
	d.listings++
	return l
}

func (d *demo) agreement(creator domain.Principal, a, b domain.Org, signers []domain.Principal, categories ...string) {
	if d.err != nil {
		return
	}
	from := d.at.In(schedule.DefaultLocation())
	ag, err := d.market.CreateAgreement(d.ctx, creator, domain.AgreementInput{
		PartyAOrgID: a.ID, PartyBOrgID: b.ID, Title: a.Name + "—" + b.Name + " 共建协议", Categories: categories,
		StartsOn: from.Format(domain.DateLayout), EndsOn: from.AddDate(1, 0, 0).Format(domain.DateLayout),
		Terms: "双方在街道统筹协调下开展资源共享、双向认领。",
	})
	if err != nil {
		d.err = err
		return
	}
	d.agreements++
	if len(signers) < 2 {
		d.unsigned++
	}
	for _, s := range signers {
		if _, err := d.market.SignAgreement(d.ctx, s, ag.ID); err != nil {
			d.err = err
			return
		}
	}
}

// claim makes a claim at the demo clock's time.
func (d *demo) claim(p domain.Principal, l domain.Listing, qty int64, start time.Time, length time.Duration, rule, note string) string {
	if d.err != nil {
		return ""
	}
	c, err := d.market.CreateClaim(d.ctx, p, domain.ClaimInput{
		ListingID: l.ID, Quantity: qty, Window: domain.WindowInput{Start: start, End: start.Add(length), RRule: rule}, Note: note,
	})
	if err != nil {
		d.err = fmt.Errorf("claim on %s: %w", l.Title, err)
		return ""
	}
	d.statuses[c.Status]++
	return c.ID
}

// act moves a claim at the demo clock's time.
func (d *demo) act(p domain.Principal, id string, action domain.ClaimAction, text string, rating int) {
	if d.err != nil {
		return
	}
	before, err := d.market.GetClaim(d.ctx, p, id)
	if err != nil {
		d.err = err
		return
	}
	after, err := d.market.ActOnClaim(d.ctx, p, id, action, text, rating)
	if err != nil {
		d.err = fmt.Errorf("%s claim %s: %w", action, id, err)
		return
	}
	d.statuses[before.Status]--
	d.statuses[after.Status]++
}

func (d *demo) run(p domain.Principal, street domain.Org, from time.Time, days int) {
	if d.err != nil {
		return
	}
	_, d.err = d.market.RunMatching(d.ctx, p, domain.RunInput{StreetID: street.ID, From: from, To: from.AddDate(0, 0, days)})
	d.runs++
}
