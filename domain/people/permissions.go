package people

import (
	"slices"

	"github.com/gongjian/gongjian/domain"
)

// The permission table for people (API.md §9, §10). Each rule is a pure function of the acting
// principal and the person (or community); permissions_test.go checks the whole table.
//
//	action              admin  coordinator(S)  staff(C)  liaison(U)         app                         person
//	register            all    in S            of C      –                  people:write, org C (pending) –
//	verify              all    in S            of C      –                  –                           –
//	read                all    in S            of C      employer U         people:write|act, org C     self
//	edit / deactivate   all    in S            of C      –                  people:write, org C         –
//	phone unmasked      all    in S            of C      C's partner        people:write, org C         self
//	list (scope)        all    S               C         employer U         org C                       self

// manages reports whether p administers people of community (in street): admins, the street's
// coordinators and the community's staff.
func manages(p domain.Principal, community, street string) bool {
	switch {
	case p.IsAdmin():
		return true
	case p.Role == domain.RoleCoordinator:
		return p.IsCoordinatorOf(street)
	case p.Role == domain.RoleCommunityStaff:
		return p.OrgID != "" && p.OrgID == community
	}
	return false
}

// appOf reports whether p is an app bound to community holding one of scopes.
func appOf(p domain.Principal, community string, scopes ...string) bool {
	if p.Role != domain.RoleApp || p.OrgID == "" || p.OrgID != community {
		return false
	}
	return slices.ContainsFunc(scopes, p.HasScope)
}

// CanRegister: admins, the street's coordinators and the community's staff register people
// verified at once; an app with people:write bound to the community registers them pending.
func CanRegister(p domain.Principal, community domain.Org) bool {
	return manages(p, community.ID, community.StreetID) || appOf(p, community.ID, domain.ScopePeopleWrite)
}

// VerifiesAtOnce reports whether a registration by p is verified without a second look: every
// registrar but an app.
func VerifiesAtOnce(p domain.Principal) bool { return p.Role != domain.RoleApp }

// CanVerify: admins, the street's coordinators and the community's staff.
func CanVerify(p domain.Principal, x Person) bool { return manages(p, x.CommunityID, x.StreetID) }

// CanRead: those who manage the person, the liaison officers of their employer unit, apps of
// their community with people:write or people:act, and the person themself.
func CanRead(p domain.Principal, x Person) bool {
	switch {
	case manages(p, x.CommunityID, x.StreetID):
		return true
	case p.IsPerson():
		return p.PersonID == x.ID
	case p.Role == domain.RoleLiaison:
		return x.EmployerOrgID != "" && p.OrgID == x.EmployerOrgID
	}
	return appOf(p, x.CommunityID, domain.ScopePeopleWrite, domain.ScopePeopleAct)
}

// CanEdit (PATCH, DELETE): those who manage the person, and apps of their community with
// people:write (a resident edits or leaves through the mini-program).
func CanEdit(p domain.Principal, x Person) bool {
	return manages(p, x.CommunityID, x.StreetID) || appOf(p, x.CommunityID, domain.ScopePeopleWrite)
}

// SeesPhone reports whether p reads the person's phone unmasked (API.md §3 with the community as
// the owner org): those who manage the person, apps of the community with people:write, the
// community's agreement partners (partner: p's org has an active agreement with the community),
// and the person themself.
func SeesPhone(p domain.Principal, x Person, partner bool) bool {
	switch {
	case manages(p, x.CommunityID, x.StreetID):
		return true
	case p.IsPerson():
		return p.PersonID == x.ID
	case appOf(p, x.CommunityID, domain.ScopePeopleWrite):
		return true
	}
	return partner && p.OrgID != "" && (p.Role == domain.RoleLiaison || p.Role == domain.RoleCommunityStaff)
}

// ListScope narrows a search to what p may read; ErrForbidden for anyone else.
func ListScope(p domain.Principal, f Filter) (Filter, error) {
	switch {
	case p.IsAdmin():
	case p.Role == domain.RoleCoordinator && p.StreetID != "":
		f.OnlyStreet = p.StreetID
	case p.Role == domain.RoleCommunityStaff && p.OrgID != "":
		f.OnlyCommunity = p.OrgID
	case p.Role == domain.RoleLiaison && p.OrgID != "":
		f.OnlyEmployer = p.OrgID
	case p.OrgKind == domain.KindCommunity && appOf(p, p.OrgID, domain.ScopePeopleWrite, domain.ScopePeopleAct):
		f.OnlyCommunity = p.OrgID
	case p.IsPerson():
		f.OnlyID = p.PersonID
	default:
		return Filter{}, domain.ErrForbidden
	}
	return f, nil
}

// ActingApp is what the rules need to know of an app that asks to act for a person.
type ActingApp struct {
	ClientID string
	Scopes   []string
	Revoked  bool
	// StreetID is the street of the org the app is bound to.
	StreetID string
}

// CanActFor reports why an app may not act for a person, or nil: the app must hold people:act
// (ErrNoActScope), and the person must be active, verified, linked to this app and live in the
// street of the app's org (ErrNoSubject otherwise, so an app cannot tell a pending person from
// an unknown one).
func CanActFor(app ActingApp, x Person) error {
	switch {
	case app.Revoked:
		return domain.ErrInvalidClient
	case !slices.Contains(app.Scopes, domain.ScopePeopleAct):
		return ErrNoActScope
	case !x.CanAct(), x.ExternalClientID != app.ClientID, app.StreetID == "" || app.StreetID != x.StreetID:
		return ErrNoSubject
	}
	return nil
}
