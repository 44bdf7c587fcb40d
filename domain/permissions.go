package domain

// Permission rules of API.md §9 for organisations and users. Each is a pure function of the
// acting principal and the resource, so the table of roles × resources is tested in one place.

// CanCreateOrg: admins create any org; a street's coordinators create communities and units in
// their street.
func CanCreateOrg(p Principal, o Org) bool {
	switch {
	case p.IsAdmin():
		return true
	case p.Role == RoleCoordinator:
		return (o.Kind == KindCommunity || o.Kind == KindUnit) && p.IsCoordinatorOf(o.StreetID)
	}
	return false
}

// CanEditOrg: admins edit any org; coordinators edit their street and the orgs in it; staff and
// liaison officers edit their own org's profile.
func CanEditOrg(p Principal, o Org) bool {
	switch {
	case p.IsAdmin():
		return true
	case p.Role == RoleCoordinator:
		return p.IsCoordinatorOf(o.StreetID)
	case p.Role == RoleCommunityStaff, p.Role == RoleLiaison:
		return p.OrgID == o.ID
	}
	return false
}

// CanReadOrg: the org directory is open to every authenticated user and app, since claiming
// across the street requires knowing who is who.
func CanReadOrg(p Principal, o Org) bool { return p.Role != "" }

// CanCreateUser: admins create users anywhere; coordinators create users of the communities and
// units of their street (not other coordinators, not admins).
func CanCreateUser(p Principal, org Org) bool {
	switch {
	case p.IsAdmin():
		return true
	case p.Role == RoleCoordinator:
		return (org.Kind == KindCommunity || org.Kind == KindUnit) && p.IsCoordinatorOf(org.StreetID)
	}
	return false
}

// CanReadUser: admins see all users; coordinators the users of their street; everyone their own
// org's users.
func CanReadUser(p Principal, org Org) bool {
	switch {
	case p.IsAdmin():
		return true
	case p.Role == RoleApp:
		return false
	case p.Role == RoleCoordinator && p.IsCoordinatorOf(org.StreetID):
		return true
	}
	return p.OrgID == org.ID
}

// CanManageUser (edit anyone's profile, deactivate): admins, and coordinators for the users they
// could have created.
func CanManageUser(p Principal, org Org) bool { return CanCreateUser(p, org) }

// CanEditSelf: a user may edit their own profile and password.
func CanEditSelf(p Principal, u User) bool { return p.UserID != "" && p.UserID == u.ID }

// SeesPhones reports whether p may read the unmasked phone numbers of org: its own members, its
// agreement partners, the coordinators of its street and admins.
func SeesPhones(p Principal, org Org, isPartner bool) bool {
	switch {
	case p.IsAdmin():
		return true
	case p.OrgID == org.ID:
		return true
	case p.Role == RoleCoordinator && p.IsCoordinatorOf(org.StreetID):
		return true
	case isPartner:
		return true
	}
	return false
}
