package domain

import "slices"

// Scopes an app may be granted (API.md §2).
const (
	ScopeListingsRead  = "listings:read"
	ScopeListingsWrite = "listings:write"
	ScopeClaimsRead    = "claims:read"
	ScopeClaimsWrite   = "claims:write"
	ScopeEventsRead    = "events:read"
	// ScopePeopleWrite lets an app register people with its community (pending until staff
	// verify them); ScopePeopleAct lets it exchange a person's external id for a person token
	// (API.md §10).
	ScopePeopleWrite = "people:write"
	ScopePeopleAct   = "people:act"
)

// Principal is who acts: a logged-in user, an app acting for the org it is bound to, or a person
// (RolePerson) for whom an app acts. The org context (kind, street, district) is resolved once at
// authentication so that permission checks are plain functions without I/O.
//
// A person's OrgID is empty: a person never acts as its community, so every rule written for
// orgs denies a person by construction; CommunityID and StreetID say where the person lives.
type Principal struct {
	UserID    string
	ClientID  string
	SessionID string
	Role      Role
	OrgID     string
	OrgKind   OrgKind
	// StreetID is the street the principal's org belongs to (its own id for a street); empty
	// for a district.
	StreetID   string
	DistrictID string
	Scopes     []string
	// PersonID, CommunityID and ActClientID are set for a person token only: the person, their
	// community, and the client id of the app acting for them (the token's act claim).
	PersonID    string
	CommunityID string
	ActClientID string
	// Name is the acting user's display name, when the principal was loaded with it (a session's
	// user); "" otherwise. It names the actor in a response without another query.
	Name string
}

// IsPerson reports whether p is a person acting through an app.
func (p Principal) IsPerson() bool { return p.Role == RolePerson && p.PersonID != "" }

// IsAdmin reports whether p is a district admin.
func (p Principal) IsAdmin() bool { return p.Role == RoleAdmin }

// IsCoordinatorOf reports whether p coordinates street streetID.
func (p Principal) IsCoordinatorOf(streetID string) bool {
	return p.Role == RoleCoordinator && streetID != "" && p.StreetID == streetID
}

// ActorID is the id recorded in histories: the person, the user, or the app's client id.
func (p Principal) ActorID() string {
	if p.PersonID != "" {
		return p.PersonID
	}
	if p.UserID != "" {
		return p.UserID
	}
	return p.ClientID
}

// HasScope reports whether an app principal holds scope. Users hold every scope their role allows;
// a person holds none (what a person may do is decided by the rules of API.md §10).
func (p Principal) HasScope(scope string) bool {
	if p.Role == RolePerson {
		return false
	}
	if p.Role != RoleApp {
		return true
	}
	return slices.Contains(p.Scopes, scope)
}

// RoleScopes are the scopes shown in /me for a user: what the role may do through the API.
func RoleScopes(r Role) []string {
	switch r {
	case RoleAdmin, RoleCoordinator:
		return []string{ScopeListingsRead, ScopeListingsWrite, ScopeClaimsRead, ScopeClaimsWrite, ScopeEventsRead}
	case RoleCommunityStaff, RoleLiaison:
		// events:read: they follow the feed of their own org's events (API.md §8).
		return []string{ScopeListingsRead, ScopeListingsWrite, ScopeClaimsRead, ScopeClaimsWrite, ScopeEventsRead}
	}
	return nil
}
