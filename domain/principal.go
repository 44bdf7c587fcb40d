package domain

import "slices"

// Scopes an app may be granted (API.md §2).
const (
	ScopeListingsRead  = "listings:read"
	ScopeListingsWrite = "listings:write"
	ScopeClaimsRead    = "claims:read"
	ScopeClaimsWrite   = "claims:write"
	ScopeEventsRead    = "events:read"
)

// Principal is who acts: a logged-in user, or an app acting for the org it is bound to. The org
// context (kind, street, district) is resolved once at authentication so that permission checks
// are plain functions without I/O.
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
}

// IsAdmin reports whether p is a district admin.
func (p Principal) IsAdmin() bool { return p.Role == RoleAdmin }

// IsCoordinatorOf reports whether p coordinates street streetID.
func (p Principal) IsCoordinatorOf(streetID string) bool {
	return p.Role == RoleCoordinator && streetID != "" && p.StreetID == streetID
}

// ActorID is the id recorded in histories: the user, or the app's client id.
func (p Principal) ActorID() string {
	if p.UserID != "" {
		return p.UserID
	}
	return p.ClientID
}

// HasScope reports whether an app principal holds scope. Users hold every scope their role allows.
func (p Principal) HasScope(scope string) bool {
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
