package domain

import (
	"context"
	"errors"
	"time"
)

// PartnerLookup finds the orgs that share a current co-building agreement with an org (which lets
// them see each other's phone numbers): active, and not past its ends_on on the civil date today
// (Today), after which it reads expired.
type PartnerLookup interface {
	PartnersOf(ctx context.Context, org string, today time.Time) ([]string, error)
}

// Directory is the use-case service for organisations and users.
type Directory struct {
	orgs     OrgStore
	users    UserStore
	partners PartnerLookup
	hasher   PasswordHasher
	now      func() time.Time
}

// NewDirectory wires the service; none of the dependencies may be nil.
func NewDirectory(orgs OrgStore, users UserStore, partners PartnerLookup, hasher PasswordHasher, now func() time.Time) (*Directory, error) {
	if orgs == nil || users == nil || partners == nil || now == nil {
		return nil, errors.New("directory: nil dependency")
	}
	return &Directory{orgs: orgs, users: users, partners: partners, hasher: hasher, now: now}, nil
}

// orgField loads the org a request field names; a missing one is a field error of that request,
// not a 404 of the request itself. An empty id loads nothing.
func orgField(ctx context.Context, orgs OrgStore, field, id string) (*Org, error) {
	if id == "" {
		return nil, nil
	}
	o, err := orgs.GetOrg(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return nil, Invalid(field, "not_found", "%s names no organisation", field)
	}
	if err != nil {
		return nil, err
	}
	return &o, nil
}

func (d *Directory) loadRef(ctx context.Context, field string, id *string) (*Org, error) {
	if id == nil {
		return nil, nil
	}
	return orgField(ctx, d.orgs, field, *id)
}

// CreateOrg validates and stores a new org if p may create it.
func (d *Directory) CreateOrg(ctx context.Context, p Principal, in OrgInput) (Org, error) {
	parent, err := d.loadRef(ctx, "parent_id", in.ParentID)
	if err != nil {
		return Org{}, err
	}
	community, err := d.loadRef(ctx, "community_id", in.CommunityID)
	if err != nil {
		return Org{}, err
	}
	o, err := NewOrg(in, parent, community, d.now())
	if err != nil {
		return Org{}, err
	}
	if !CanCreateOrg(p, o) {
		return Org{}, ErrForbidden
	}
	return o, d.orgs.CreateOrg(ctx, o)
}

// GetOrg returns one org.
func (d *Directory) GetOrg(ctx context.Context, p Principal, id string) (Org, error) {
	o, err := d.orgs.GetOrg(ctx, id)
	if err != nil {
		return Org{}, err
	}
	if !CanReadOrg(p, o) {
		return Org{}, ErrNotFound
	}
	return o, nil
}

// ListOrgs lists orgs matching f.
func (d *Directory) ListOrgs(ctx context.Context, p Principal, f OrgFilter) ([]Org, error) {
	if p.Role == "" {
		return nil, ErrForbidden
	}
	return d.orgs.ListOrgs(ctx, f)
}

// UpdateOrg patches an org; version is the caller's If-Match (0: none).
func (d *Directory) UpdateOrg(ctx context.Context, p Principal, id string, version int64, in OrgInput) (Org, error) {
	community, err := d.loadRef(ctx, "community_id", in.CommunityID)
	if err != nil {
		return Org{}, err
	}
	return d.orgs.UpdateOrg(ctx, id, func(o *Org) error {
		if !CanEditOrg(p, *o) {
			return ErrForbidden
		}
		if version != 0 && version != o.Version {
			return ErrVersionMismatch
		}
		return o.Update(in, community, d.now())
	})
}

// PhoneVisibility returns, for p, whether the phone numbers of an org are shown unmasked. The
// agreement partners of p's org are read once, so a whole list is decided with one query.
func (d *Directory) PhoneVisibility(ctx context.Context, p Principal) (func(Org) bool, error) {
	partners := map[string]bool{}
	if p.OrgID != "" && !p.IsAdmin() {
		ids, err := d.partners.PartnersOf(ctx, p.OrgID, Today(d.now()))
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			partners[id] = true
		}
	}
	return func(org Org) bool { return SeesPhones(p, org, partners[org.ID]) }, nil
}

// CreateUser validates and stores a new user if p may create users in the org.
func (d *Directory) CreateUser(ctx context.Context, p Principal, in UserInput) (User, error) {
	if in.OrgID == nil || *in.OrgID == "" {
		return User{}, Invalid("org_id", "required", "org_id is required")
	}
	org, err := d.loadRef(ctx, "org_id", in.OrgID)
	if err != nil {
		return User{}, err
	}
	if !CanCreateUser(p, *org) {
		return User{}, ErrForbidden
	}
	u, err := NewUser(in, *org, d.hasher, d.now())
	if err != nil {
		return User{}, err
	}
	return u, d.users.CreateUser(ctx, u)
}

// GetUser returns a user with the org it belongs to, if p may see it.
func (d *Directory) GetUser(ctx context.Context, p Principal, id string) (User, Org, error) {
	u, err := d.users.GetUser(ctx, id)
	if err != nil {
		return User{}, Org{}, err
	}
	org, err := d.orgs.GetOrg(ctx, u.OrgID)
	if err != nil {
		return User{}, Org{}, err
	}
	if !CanEditSelf(p, u) && !CanReadUser(p, org) {
		return User{}, Org{}, ErrNotFound
	}
	return u, org, nil
}

// ListUsers lists the users p may see, narrowed by f.
func (d *Directory) ListUsers(ctx context.Context, p Principal, f UserFilter) ([]User, error) {
	switch {
	case p.IsAdmin():
	case p.Role == RoleCoordinator:
		f.StreetID = p.StreetID
	case p.Role == RoleCommunityStaff, p.Role == RoleLiaison:
		f.OrgIDs = []string{p.OrgID}
	default:
		return nil, ErrForbidden
	}
	return d.users.ListUsers(ctx, f)
}

// UpdateUser patches a user: the user themself, or whoever manages users of that org.
func (d *Directory) UpdateUser(ctx context.Context, p Principal, id string, version int64, in UserInput) (User, error) {
	u, org, err := d.GetUser(ctx, p, id)
	if err != nil {
		return User{}, err
	}
	if !CanEditSelf(p, u) && !CanManageUser(p, org) {
		return User{}, ErrForbidden
	}
	return d.users.UpdateUser(ctx, id, func(u *User) error {
		if version != 0 && version != u.Version {
			return ErrVersionMismatch
		}
		return u.Update(in, d.hasher, d.now())
	})
}

// DeactivateUser disables an account (DELETE /users/{id}); it is kept for the audit trail.
func (d *Directory) DeactivateUser(ctx context.Context, p Principal, id string) error {
	_, org, err := d.GetUser(ctx, p, id)
	if err != nil {
		return err
	}
	if !CanManageUser(p, org) {
		return ErrForbidden
	}
	_, err = d.users.UpdateUser(ctx, id, func(u *User) error {
		if u.Active {
			u.Deactivate(d.now())
		}
		return nil
	})
	return err
}

// Bootstrap creates the first admin (and a district for it) when no user exists yet.
func (d *Directory) Bootstrap(ctx context.Context, districtName, username, password string) (created bool, err error) {
	n, err := d.users.CountUsers(ctx)
	if err != nil || n > 0 {
		return false, err
	}
	kind, name := KindDistrict, districtName
	district, err := NewOrg(OrgInput{Kind: &kind, Name: &name}, nil, nil, d.now())
	if err != nil {
		return false, err
	}
	if err := d.orgs.CreateOrg(ctx, district); err != nil {
		return false, err
	}
	role := RoleAdmin
	u, err := NewUser(UserInput{Username: &username, Password: &password, Role: &role}, district, d.hasher, d.now())
	if err != nil {
		return false, err
	}
	return true, d.users.CreateUser(ctx, u)
}
