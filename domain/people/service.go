package people

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/gongjian/gongjian/domain"
)

// CategoryLookup gives the known category codes (skills are category codes).
type CategoryLookup interface {
	Lookup(ctx context.Context) (map[string]domain.Category, error)
}

// ClientLookup finds an app by its public client id.
type ClientLookup interface {
	GetClientByClientID(ctx context.Context, clientID string) (domain.Client, error)
}

// ClientAuthenticator checks an app's credentials (domain.ClientService).
type ClientAuthenticator interface {
	Authenticate(ctx context.Context, clientID, secret string) (domain.Client, error)
}

// ClaimReader reads claims (domain.ClaimStore).
type ClaimReader interface {
	GetClaim(ctx context.Context, id string) (domain.Claim, error)
}

// Deps are what the service needs; none may be nil.
type Deps struct {
	Store      Store
	Passes     PassStore
	Service    ServiceStore
	Claims     ClaimReader
	Orgs       domain.OrgStore
	Partners   domain.PartnerLookup
	Categories CategoryLookup
	Clients    ClientLookup
	Apps       ClientAuthenticator
	Tokens     domain.TokenIssuer
	Now        func() time.Time
}

// Service is the use-case service for people.
type Service struct{ d Deps }

// NewService wires the service.
func NewService(d Deps) (*Service, error) {
	if d.Store == nil || d.Passes == nil || d.Service == nil || d.Claims == nil || d.Orgs == nil || d.Partners == nil || d.Categories == nil || d.Clients == nil ||
		d.Apps == nil || d.Tokens == nil || d.Now == nil {
		return nil, errors.New("people: nil dependency")
	}
	return &Service{d: d}, nil
}

// View is a person as one reader sees it: with the names of the orgs it names, and whether the
// reader sees the phone unmasked.
type View struct {
	Person
	CommunityName string
	StreetName    string
	EmployerName  string
	ShowPhone     bool
}

// Token is a person token issued by the exchange.
type Token struct {
	AccessToken string
	ExpiresIn   time.Duration
}

// orgField loads the org a request field names; a missing one is a field error.
func (s *Service) orgField(ctx context.Context, field, id string) (*domain.Org, error) {
	if id == "" {
		return nil, nil
	}
	o, err := s.d.Orgs.GetOrg(ctx, id)
	if errors.Is(err, domain.ErrNotFound) {
		return nil, domain.Invalid(field, "not_found", "%s names no organisation", field)
	}
	if err != nil {
		return nil, err
	}
	return &o, nil
}

// refs loads what in names besides the community.
func (s *Service) refs(ctx context.Context, p domain.Principal, community domain.Org, in Input) (Refs, error) {
	r := Refs{Community: community}
	if in.EmployerOrgID != nil {
		emp, err := s.orgField(ctx, "employer_org_id", *in.EmployerOrgID)
		if err != nil {
			return r, err
		}
		r.Employer = emp
	}
	if in.Skills != nil {
		cats, err := s.d.Categories.Lookup(ctx)
		if err != nil {
			return r, err
		}
		r.Known = func(code string) bool { _, ok := cats[code]; return ok }
	}
	if in.ExternalID == nil && in.ExternalClientID == nil {
		return r, nil
	}
	clientID := ""
	if in.ExternalClientID != nil {
		clientID = *in.ExternalClientID
	}
	if p.Role == domain.RoleApp {
		// An app sets the external id for itself only.
		if clientID != "" && clientID != p.ClientID {
			return r, domain.Invalid("external_client_id", "invalid", "an app sets external ids for itself only")
		}
		clientID = p.ClientID
	}
	if clientID == "" {
		return r, nil
	}
	app, err := s.d.Clients.GetClientByClientID(ctx, clientID)
	switch {
	case errors.Is(err, domain.ErrNotFound):
		return r, domain.Invalid("external_client_id", "not_found", "external_client_id names no app")
	case err != nil:
		return r, err
	case app.Revoked() || (app.OrgID != community.ID && app.OrgID != community.StreetID):
		return r, domain.Invalid("external_client_id", "invalid", "external_client_id must name an active app of the person's community or street")
	}
	r.App = &app
	return r, nil
}

// Register registers a person with a community (API.md §10): verified at once when staff, the
// street's coordinators or admins register them, pending when an app does. community_id
// defaults to the caller's own community.
func (s *Service) Register(ctx context.Context, p domain.Principal, in Input) (View, error) {
	communityID := p.OrgID
	if in.CommunityID != nil && *in.CommunityID != "" {
		communityID = *in.CommunityID
	}
	if communityID == "" {
		return View{}, domain.Invalid("community_id", "required", "community_id is required")
	}
	community, err := s.orgField(ctx, "community_id", communityID)
	if err != nil {
		return View{}, err
	}
	if community.Kind != domain.KindCommunity {
		return View{}, domain.Invalid("community_id", "invalid", "community_id must name a community")
	}
	if !CanRegister(p, *community) {
		return View{}, domain.ErrForbidden
	}
	refs, err := s.refs(ctx, p, *community, in)
	if err != nil {
		return View{}, err
	}
	now := s.d.Now()
	x, err := New(in, refs, p.ActorID(), VerifiesAtOnce(p), now)
	if err != nil {
		return View{}, err
	}
	evs := []domain.Event{personEvent("person.registered", x, now)}
	if x.Status == StatusVerified {
		evs = append(evs, personEvent("person.verified", x, now))
	}
	if err := s.d.Store.Create(ctx, x, evs...); err != nil {
		if errors.Is(err, domain.ErrConflict) {
			return View{}, domain.Detailed(domain.ErrConflict, nil, "this external_id is already registered for the app")
		}
		return View{}, err
	}
	return s.view(ctx, p, x)
}

// personEvent is an event about x, scoped to its street, community and employer. It carries
// no name or phone: the feed is read more widely than people are.
func personEvent(typ string, x Person, now time.Time) domain.Event {
	return domain.NewEvent(typ, x.ID, now, map[string]any{
		"person_id": x.ID, "community_id": x.CommunityID, "street_id": x.StreetID,
		"employer_org_id": x.EmployerOrgID, "party_member": x.PartyMember, "status": string(x.Status),
	}).Scoped(x.StreetID, x.CommunityID)
}

// Get returns a person p may read (ErrNotFound otherwise).
func (s *Service) Get(ctx context.Context, p domain.Principal, id string) (View, error) {
	x, err := s.d.Store.Get(ctx, id)
	if err != nil {
		return View{}, err
	}
	if !CanRead(p, x) {
		return View{}, domain.ErrNotFound
	}
	return s.view(ctx, p, x)
}

// List searches the active people p may read.
func (s *Service) List(ctx context.Context, p domain.Principal, f Filter) ([]View, error) {
	f, err := ListScope(p, f)
	if err != nil {
		return nil, err
	}
	xs, err := s.d.Store.List(ctx, f)
	if err != nil {
		return nil, err
	}
	return s.views(ctx, p, xs)
}

// Verify confirms a pending registration.
func (s *Service) Verify(ctx context.Context, p domain.Principal, id string) (View, error) {
	x, err := s.d.Store.Update(ctx, id, func(x *Person) ([]domain.Event, error) {
		if !CanRead(p, *x) {
			return nil, domain.ErrNotFound
		}
		if !CanVerify(p, *x) {
			return nil, domain.ErrForbidden
		}
		now := s.d.Now()
		if err := x.Verify(p.ActorID(), now); err != nil {
			return nil, err
		}
		return []domain.Event{personEvent("person.verified", *x, now)}, nil
	})
	if err != nil {
		return View{}, err
	}
	return s.view(ctx, p, x)
}

// Update patches a person; version is the caller's If-Match (0: none).
func (s *Service) Update(ctx context.Context, p domain.Principal, id string, version int64, in Input) (View, error) {
	current, err := s.Get(ctx, p, id)
	if err != nil {
		return View{}, err
	}
	if !CanEdit(p, current.Person) {
		return View{}, domain.ErrForbidden
	}
	community, err := s.d.Orgs.GetOrg(ctx, current.CommunityID)
	if err != nil {
		return View{}, err
	}
	refs, err := s.refs(ctx, p, community, in)
	if err != nil {
		return View{}, err
	}
	x, err := s.d.Store.Update(ctx, id, func(x *Person) ([]domain.Event, error) {
		if !CanEdit(p, *x) {
			return nil, domain.ErrForbidden
		}
		if version != 0 && version != x.Version {
			return nil, domain.ErrVersionMismatch
		}
		return nil, x.Update(in, refs, s.d.Now())
	})
	if errors.Is(err, domain.ErrConflict) {
		return View{}, domain.Detailed(domain.ErrConflict, nil, "this external_id is already registered for the app")
	}
	if err != nil {
		return View{}, err
	}
	return s.view(ctx, p, x)
}

// Deactivate ends a registration (DELETE /people/{id}); the record is kept. The person's live
// claims are cancelled and the passes they hold revoked, in the same transaction.
func (s *Service) Deactivate(ctx context.Context, p domain.Principal, id string) error {
	now := s.d.Now()
	_, err := s.d.Store.Deactivate(ctx, id, func(x *Person) (bool, error) {
		if !CanRead(p, *x) {
			return false, domain.ErrNotFound
		}
		if !CanEdit(p, *x) {
			return false, domain.ErrForbidden
		}
		return x.Deactivate(now), nil
	}, func(c *domain.Claim) error {
		return c.Cancel(p.ActorID(), "the person's registration was ended", now)
	})
	return err
}

// Exchange is the RFC 8693 token exchange: an app with people:act presents its credentials and
// the person's external id in that app, and gets a token whose subject is the person and whose
// act claim is the app.
func (s *Service) Exchange(ctx context.Context, clientID, secret, externalID string) (Token, error) {
	app, err := s.d.Apps.Authenticate(ctx, clientID, secret)
	if err != nil {
		return Token{}, err
	}
	if !slices.Contains(app.Scopes, domain.ScopePeopleAct) {
		return Token{}, ErrNoActScope
	}
	x, err := s.d.Store.GetByExternal(ctx, app.ClientID, externalID)
	if errors.Is(err, domain.ErrNotFound) {
		return Token{}, ErrNoSubject
	}
	if err != nil {
		return Token{}, err
	}
	org, err := s.d.Orgs.GetOrg(ctx, app.OrgID)
	if err != nil {
		return Token{}, err
	}
	acting := ActingApp{ClientID: app.ClientID, Scopes: app.Scopes, Revoked: app.Revoked(), StreetID: org.StreetID}
	if err := CanActFor(acting, x); err != nil {
		return Token{}, err
	}
	tok, ttl, err := s.d.Tokens.Issue(domain.AccessClaims{Subject: x.ID, Actor: app.ClientID})
	if err != nil {
		return Token{}, err
	}
	return Token{AccessToken: tok, ExpiresIn: ttl}, nil
}

// PersonPrincipal resolves a person token on every request (domain.PersonResolver): the person
// must still be active and verified, and the app still allowed to act for them.
func (s *Service) PersonPrincipal(ctx context.Context, personID, clientID string) (domain.Principal, error) {
	x, app, err := s.d.Store.Acting(ctx, personID, clientID)
	if errors.Is(err, domain.ErrNotFound) {
		return domain.Principal{}, domain.ErrUnauthenticated
	}
	if err != nil {
		return domain.Principal{}, err
	}
	if CanActFor(app, x) != nil {
		return domain.Principal{}, domain.ErrUnauthenticated
	}
	return domain.Principal{
		Role: domain.RolePerson, PersonID: x.ID, CommunityID: x.CommunityID, StreetID: x.StreetID,
		ActClientID: app.ClientID,
	}, nil
}

// Self is the person a person token stands for (GET /me).
func (s *Service) Self(ctx context.Context, p domain.Principal) (View, error) {
	if !p.IsPerson() {
		return View{}, domain.ErrNotFound
	}
	return s.Get(ctx, p, p.PersonID)
}

func (s *Service) view(ctx context.Context, p domain.Principal, x Person) (View, error) {
	vs, err := s.views(ctx, p, []Person{x})
	if err != nil {
		return View{}, err
	}
	return vs[0], nil
}

// views adds org names and phone visibility, reading the orgs named and p's partners once.
func (s *Service) views(ctx context.Context, p domain.Principal, xs []Person) ([]View, error) {
	ids := []string{}
	for _, x := range xs {
		for _, id := range []string{x.CommunityID, x.StreetID, x.EmployerOrgID} {
			if id != "" && !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
	}
	names := map[string]string{}
	if len(ids) > 0 {
		orgs, err := s.d.Orgs.ListOrgs(ctx, domain.OrgFilter{IDs: ids})
		if err != nil {
			return nil, err
		}
		for _, o := range orgs {
			names[o.ID] = o.Name
		}
	}
	partners := map[string]bool{}
	if p.OrgID != "" && !p.IsAdmin() && (p.Role == domain.RoleLiaison || p.Role == domain.RoleCommunityStaff) {
		ps, err := s.d.Partners.PartnersOf(ctx, p.OrgID, domain.Today(s.d.Now()))
		if err != nil {
			return nil, err
		}
		for _, id := range ps {
			partners[id] = true
		}
	}
	out := make([]View, len(xs))
	for i, x := range xs {
		out[i] = View{Person: x, CommunityName: names[x.CommunityID], StreetName: names[x.StreetID],
			EmployerName: names[x.EmployerOrgID], ShowPhone: SeesPhone(p, x, partners[x.CommunityID])}
	}
	return out, nil
}
