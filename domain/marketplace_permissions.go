package domain

// Permission rules of API.md §9 for listings, agreements and claims.

// actsFor reports whether p acts as org itself: its staff or liaison officer, or an app bound to
// it holding scope.
func actsFor(p Principal, org string, scope string) bool {
	switch p.Role {
	case RoleCommunityStaff, RoleLiaison:
		return p.OrgID == org
	case RoleApp:
		return p.OrgID == org && p.HasScope(scope)
	}
	return false
}

// CanPostListing: admins for any org, coordinators for the orgs of their street (and the street
// itself), staff and liaison officers for their own org, apps with listings:write for their org.
func CanPostListing(p Principal, org Org) bool {
	switch {
	case p.IsAdmin():
		return true
	case p.Role == RoleCoordinator:
		return p.IsCoordinatorOf(org.StreetID)
	}
	return actsFor(p, org.ID, ScopeListingsWrite)
}

// CanReadListing: admins and coordinators read all; others read public listings, street-only
// ones of their own street, and their own org's. Apps need listings:read.
func CanReadListing(p Principal, l Listing) bool {
	switch {
	case p.IsAdmin(), p.Role == RoleCoordinator:
		return true
	case p.Role == RoleApp && !p.HasScope(ScopeListingsRead):
		return false
	case p.OrgID == l.OrgID:
		return true
	}
	return l.Visibility == VisibilityPublic || (p.StreetID != "" && l.StreetID == p.StreetID)
}

// CanCreateAgreement: admins; coordinators of the agreement's street; members of either party.
func CanCreateAgreement(p Principal, a Agreement) bool {
	switch {
	case p.IsAdmin():
		return true
	case p.Role == RoleCoordinator:
		return p.IsCoordinatorOf(a.StreetID)
	case p.Role == RoleCommunityStaff, p.Role == RoleLiaison:
		return a.IsParty(p.OrgID)
	}
	return false
}

// CanSignAgreement: a member of a party signs for it (a coordinator for a street party).
func CanSignAgreement(p Principal, a Agreement) bool {
	switch p.Role {
	case RoleCoordinator, RoleCommunityStaff, RoleLiaison:
		return a.IsParty(p.OrgID)
	}
	return false
}

// CanReadAgreement: admins, the coordinators of its street, and the parties' members.
func CanReadAgreement(p Principal, a Agreement) bool {
	switch {
	case p.IsAdmin(), p.IsCoordinatorOf(a.StreetID):
		return true
	case p.Role == RoleApp:
		return false
	}
	return a.IsParty(p.OrgID)
}

// CanTerminateAgreement: admins, the coordinators of its street, and the parties' members.
func CanTerminateAgreement(p Principal, a Agreement) bool {
	return p.Role != RoleApp && CanReadAgreement(p, a)
}

// CanClaim: staff and liaison officers claim as their org; apps with claims:write as theirs.
func CanClaim(p Principal) bool {
	return p.Role == RoleCommunityStaff || p.Role == RoleLiaison || (p.Role == RoleApp && p.HasScope(ScopeClaimsWrite))
}

// CanReadClaim: admins, the coordinators of the claim's street, and either org (apps with
// claims:read).
func CanReadClaim(p Principal, c Claim) bool {
	switch {
	case p.IsAdmin(), p.IsCoordinatorOf(c.StreetID):
		return true
	case p.Role == RoleApp && !p.HasScope(ScopeClaimsRead):
		return false
	}
	if p.IsPerson() {
		return c.ClaimantPersonID != "" && c.ClaimantPersonID == p.PersonID
	}
	return p.OrgID != "" && (p.OrgID == c.OwnerOrgID || p.OrgID == c.ClaimantOrgID)
}

// CanDecideClaim: the coordinators of the claim's street and admins approve and reject.
// A person's claim is also decided by the listing's owner org: its staff or liaison officers
// (API.md §9, §10).
func CanDecideClaim(p Principal, c Claim) bool {
	if c.ClaimantPersonID != "" && (p.Role == RoleCommunityStaff || p.Role == RoleLiaison) && p.OrgID == c.OwnerOrgID {
		return true
	}
	return p.IsAdmin() || p.IsCoordinatorOf(c.StreetID)
}

// CanActOnClaim: either org cancels and confirms, as itself.
// A person acts on their own claim (cancels it; a person's confirmation is not needed).
func CanActOnClaim(p Principal, c Claim) bool {
	return actsFor(p, c.OwnerOrgID, ScopeClaimsWrite) || actsFor(p, c.ClaimantOrgID, ScopeClaimsWrite) || isClaimantPerson(p, c)
}

// CanGiveFeedback: the claimant, as its org, or the person whose claim it is (their
// satisfaction is what the service is measured by).
func CanGiveFeedback(p Principal, c Claim) bool {
	return actsFor(p, c.ClaimantOrgID, ScopeClaimsWrite) || isClaimantPerson(p, c)
}

func isClaimantPerson(p Principal, c Claim) bool {
	return p.IsPerson() && c.ClaimantPersonID != "" && c.ClaimantPersonID == p.PersonID
}
