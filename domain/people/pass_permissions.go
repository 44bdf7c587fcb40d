package people

import "github.com/gongjian/gongjian/domain"

// The permission table for passes (API.md §10), c being the pass's claim:
//
//	action                 admin  coordinator(S)  claimant org        owner org          person
//	issue                  –      –               staff/liaison/app   –                  on its own claim
//	read, list             all    in S            yes                 yes                its own passes
//	revoke                 all    in S            yes                 –                  –
//	verify a code          all    in S            –                   staff/liaison/app  –
//
// "app" is an app bound to that org holding claims:write (issue, revoke) or claims:read
// (read, verify).

// actsAs reports whether p acts as org: its staff or liaison officer, or an app bound to it
// holding scope.
func actsAs(p domain.Principal, org, scope string) bool {
	switch p.Role {
	case domain.RoleCommunityStaff, domain.RoleLiaison:
		return p.OrgID != "" && p.OrgID == org
	case domain.RoleApp:
		return p.OrgID != "" && p.OrgID == org && p.HasScope(scope)
	}
	return false
}

func oversees(p domain.Principal, c domain.Claim) bool {
	return p.IsAdmin() || p.IsCoordinatorOf(c.StreetID)
}

// CanIssuePass: the claimant org hands its claim on; a person takes a pass on their own claim
// (to show at the gate).
func CanIssuePass(p domain.Principal, c domain.Claim) bool {
	return actsAs(p, c.ClaimantOrgID, domain.ScopeClaimsWrite) || ownClaim(p, c)
}

func ownClaim(p domain.Principal, c domain.Claim) bool {
	return p.IsPerson() && c.ClaimantPersonID != "" && c.ClaimantPersonID == p.PersonID
}

// CanReadPasses: the claim's orgs, the street's coordinators and admins read every pass of c;
// a person every pass of their own claim.
func CanReadPasses(p domain.Principal, c domain.Claim) bool {
	return oversees(p, c) || ownClaim(p, c) || actsAs(p, c.OwnerOrgID, domain.ScopeClaimsRead) || actsAs(p, c.ClaimantOrgID, domain.ScopeClaimsRead)
}

// CanReadPass: those who read the claim's passes, and the person holding it.
func CanReadPass(p domain.Principal, c domain.Claim, x Pass) bool {
	return CanReadPasses(p, c) || (p.IsPerson() && p.PersonID == x.PersonID)
}

// CanRevokePass: the claimant org that issued it, the street's coordinators and admins.
func CanRevokePass(p domain.Principal, c domain.Claim) bool {
	return oversees(p, c) || actsAs(p, c.ClaimantOrgID, domain.ScopeClaimsWrite)
}

// CanVerifyPass: the listing's owner org (its guard at the gate), the street's coordinators and
// admins.
func CanVerifyPass(p domain.Principal, c domain.Claim) bool {
	return oversees(p, c) || actsAs(p, c.OwnerOrgID, domain.ScopeClaimsRead)
}

// MayHoldPass reports whether person x may hold a pass of claim c: active and verified, and a
// resident of the claimant community or an employee of the claimant unit; for a person's claim,
// that person only.
func MayHoldPass(x Person, c domain.Claim) bool {
	if !x.CanAct() {
		return false
	}
	if c.ClaimantPersonID != "" {
		return x.ID == c.ClaimantPersonID
	}
	return x.CommunityID == c.ClaimantOrgID || (x.EmployerOrgID != "" && x.EmployerOrgID == c.ClaimantOrgID)
}

// PassListScope narrows a pass search to what p may read; ErrForbidden for anyone else.
func PassListScope(p domain.Principal, f PassFilter) (PassFilter, error) {
	switch {
	case p.IsAdmin():
	case p.Role == domain.RoleCoordinator && p.StreetID != "":
		f.OnlyStreet = p.StreetID
	case p.IsPerson():
		f.OnlyPerson = p.PersonID
	case p.Role == domain.RoleCommunityStaff, p.Role == domain.RoleLiaison,
		p.Role == domain.RoleApp && p.HasScope(domain.ScopeClaimsRead):
		if p.OrgID == "" {
			return PassFilter{}, domain.ErrForbidden
		}
		f.OnlyOrg = p.OrgID
	default:
		return PassFilter{}, domain.ErrForbidden
	}
	return f, nil
}
