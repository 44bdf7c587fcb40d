package domain

import (
	"context"
	"math"
	"strings"
	"time"
	"unicode/utf8"
)

// OrgKind is the level of an organisation in the district → street → community/unit tree.
type OrgKind string

// The organisation kinds of API.md §3.
const (
	KindDistrict  OrgKind = "district"
	KindStreet    OrgKind = "street"
	KindCommunity OrgKind = "community"
	KindUnit      OrgKind = "unit"
)

// Valid reports whether k is a known kind.
func (k OrgKind) Valid() bool {
	switch k {
	case KindDistrict, KindStreet, KindCommunity, KindUnit:
		return true
	}
	return false
}

// ParentKind is the kind an org of kind k must hang under ("" for a district).
func (k OrgKind) ParentKind() OrgKind {
	switch k {
	case KindStreet:
		return KindDistrict
	case KindCommunity, KindUnit:
		return KindStreet
	}
	return ""
}

// Location is a WGS-84 point with a postal address.
type Location struct {
	Lat, Lng float64
	Address  string
}

// Validate checks the coordinate ranges.
func (l Location) Validate(field string, v *ValidationError) {
	if math.IsNaN(l.Lat) || l.Lat < -90 || l.Lat > 90 {
		v.Add(field+".lat", "out_of_range", "lat must be within [-90, 90]")
	}
	if math.IsNaN(l.Lng) || l.Lng < -180 || l.Lng > 180 {
		v.Add(field+".lng", "out_of_range", "lng must be within [-180, 180]")
	}
	if utf8.RuneCountInString(l.Address) > 500 {
		v.Add(field+".address", "too_long", "address must be at most 500 characters")
	}
}

// Org is an organisation: a district, a street, a community or a unit. StreetID is derived from the
// tree (a street's own id; the parent street of a community or unit) and DistrictID likewise.
type Org struct {
	ID           string
	Kind         OrgKind
	Name         string
	ParentID     string
	StreetID     string
	DistrictID   string
	CommunityID  string
	Address      string
	Location     *Location
	ContactName  string
	ContactPhone string
	AdminCode    string
	Version      int64
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// OrgInput is what a caller may set on an org. Pointer fields distinguish "absent" from "empty"
// in updates.
type OrgInput struct {
	Kind         *OrgKind
	Name         *string
	ParentID     *string
	CommunityID  *string
	Address      *string
	Location     *Location
	ContactName  *string
	ContactPhone *string
	AdminCode    *string
}

// NewOrg validates input against the already loaded parent (nil for a district) and optional
// community, and returns the new org with its derived street and district.
func NewOrg(in OrgInput, parent, community *Org, now time.Time) (Org, error) {
	v := &ValidationError{}
	o := Org{ID: NewID(), Version: 1, CreatedAt: now, UpdatedAt: now}
	if in.Kind == nil || !in.Kind.Valid() {
		v.Add("kind", "invalid", "kind must be one of district, street, community, unit")
		return o, v
	}
	o.Kind = *in.Kind
	want := o.Kind.ParentKind()
	switch {
	case want == "" && parent != nil:
		v.Add("parent_id", "invalid", "a district has no parent")
	case want != "" && parent == nil:
		v.Add("parent_id", "required", "a %s needs a parent %s", o.Kind, want)
	case want != "" && parent.Kind != want:
		v.Add("parent_id", "invalid", "the parent of a %s must be a %s", o.Kind, want)
	}
	if parent != nil {
		o.ParentID = parent.ID
		o.DistrictID = parent.DistrictID
		if parent.Kind == KindDistrict {
			o.DistrictID = parent.ID
		}
		if o.Kind == KindCommunity || o.Kind == KindUnit {
			o.StreetID = parent.ID
		}
	}
	if o.Kind == KindStreet {
		o.StreetID = o.ID
	}
	if o.Kind == KindDistrict {
		o.DistrictID = o.ID
	}
	if community != nil {
		o.reportTo(community, v)
	}
	o.apply(in, v)
	return o, v.Err()
}

// reportTo sets the community a unit reports to (报到); nil clears it.
func (o *Org) reportTo(community *Org, v *ValidationError) {
	switch {
	case community == nil:
		o.CommunityID = ""
	case o.Kind != KindUnit:
		v.Add("community_id", "invalid", "only a unit reports to a community")
	case community.Kind != KindCommunity || community.StreetID != o.StreetID:
		v.Add("community_id", "invalid", "community_id must name a community of the unit's street")
	default:
		o.CommunityID = community.ID
	}
}

// Update applies a patch; kind and parent cannot change (moving orgs would move their history).
func (o *Org) Update(in OrgInput, community *Org, now time.Time) error {
	v := &ValidationError{}
	if in.Kind != nil && *in.Kind != o.Kind {
		v.Add("kind", "immutable", "kind cannot change")
	}
	if in.ParentID != nil && *in.ParentID != o.ParentID {
		v.Add("parent_id", "immutable", "parent_id cannot change")
	}
	if in.CommunityID != nil {
		o.reportTo(community, v)
	}
	o.apply(in, v)
	if err := v.Err(); err != nil {
		return err
	}
	o.Version++
	o.UpdatedAt = now
	return nil
}

func (o *Org) apply(in OrgInput, v *ValidationError) {
	if in.Name != nil {
		o.Name = strings.TrimSpace(*in.Name)
		checkLen(v, "name", o.Name, 200)
	}
	if o.Name == "" {
		v.Add("name", "required", "name is required")
	}
	if in.Address != nil {
		o.Address = strings.TrimSpace(*in.Address)
		checkLen(v, "address", o.Address, 500)
	}
	if in.Location != nil {
		in.Location.Validate("location", v)
		loc := *in.Location
		o.Location = &loc
	}
	if in.ContactName != nil {
		o.ContactName = strings.TrimSpace(*in.ContactName)
		checkLen(v, "contact_name", o.ContactName, 100)
	}
	if in.ContactPhone != nil {
		o.ContactPhone = strings.TrimSpace(*in.ContactPhone)
		if o.ContactPhone != "" && !ValidPhone(o.ContactPhone) {
			v.Add("contact_phone", "invalid", "contact_phone must be a phone number")
		}
	}
	if in.AdminCode != nil {
		o.AdminCode = strings.TrimSpace(*in.AdminCode)
		checkLen(v, "admin_code", o.AdminCode, 32)
	}
}

func checkLen(v *ValidationError, field, s string, max int) {
	if utf8.RuneCountInString(s) > max {
		v.Add(field, "too_long", "%s must be at most %d characters", field, max)
	}
}

// OrgFilter selects orgs in a list.
type OrgFilter struct {
	IDs      []string // when set, only these orgs (unpaged)
	Kind     OrgKind
	ParentID string
	StreetID string
	Page     Page
}

// OrgStore persists organisations.
type OrgStore interface {
	CreateOrg(ctx context.Context, o Org) error
	GetOrg(ctx context.Context, id string) (Org, error)
	ListOrgs(ctx context.Context, f OrgFilter) ([]Org, error)
	// UpdateOrg loads the org under lock, lets fn change it, and saves it, in one transaction.
	UpdateOrg(ctx context.Context, id string, fn func(*Org) error) (Org, error)
}
