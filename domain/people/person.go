package people

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gongjian/gongjian/domain"
)

// Status is where a registration stands.
type Status string

// Statuses: a person registered by an app is pending until the community's staff (or the
// street's coordinators, or admins) verify them; one registered by those is verified at once.
const (
	StatusPending  Status = "pending"
	StatusVerified Status = "verified"
)

// Limits of a person's fields.
const (
	MaxNameLen       = 100
	MaxSkills        = 20
	MaxExternalIDLen = 128
)

// Person is someone registered with a community. A person is never deleted: deactivation keeps
// the record (and its service history) but ends its tokens and its live claims.
type Person struct {
	ID            string
	Name          string
	Phone         string
	CommunityID   string
	StreetID      string
	EmployerOrgID string // the unit they work for, "" when none is known
	PartyMember   bool
	Skills        []string // category codes
	Status        Status
	Active        bool
	// ExternalClientID and ExternalID link the person to one app: ExternalID is the person's id
	// in that app (a mini-program's openid, say), unique per app among active people.
	ExternalClientID string
	ExternalID       string
	RegisteredBy     string
	VerifiedBy       string
	VerifiedAt       *time.Time
	DeactivatedAt    *time.Time
	Version          int64
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

// Input is what a caller may set on a person; nil means absent. On PATCH an empty
// EmployerOrgID or ExternalID clears it.
type Input struct {
	Name             *string
	Phone            *string
	CommunityID      *string
	EmployerOrgID    *string
	PartyMember      *bool
	Skills           *[]string
	ExternalID       *string
	ExternalClientID *string
}

// Refs are the records an input names, loaded by the service before the person is built:
// the community, the employer (nil when none), the app the external id belongs to (nil when
// none) and the known category codes.
type Refs struct {
	Community domain.Org
	Employer  *domain.Org
	App       *domain.Client
	Known     func(code string) bool
}

// New validates a registration. verified says whether the registrar verifies at once (staff,
// coordinators, admins) or the person waits for them (an app).
func New(in Input, refs Refs, registrar string, verified bool, now time.Time) (Person, error) {
	v := &domain.ValidationError{}
	p := Person{ID: domain.NewID(), Status: StatusPending, Active: true, RegisteredBy: registrar,
		Version: 1, CreatedAt: now, UpdatedAt: now, Skills: []string{}}
	if in.Name == nil || strings.TrimSpace(*in.Name) == "" {
		v.Add("name", "required", "name is required")
	}
	if in.Phone == nil || strings.TrimSpace(*in.Phone) == "" {
		v.Add("phone", "required", "phone is required")
	}
	if refs.Community.Kind != domain.KindCommunity {
		v.Add("community_id", "invalid", "community_id must name a community")
	}
	p.CommunityID, p.StreetID = refs.Community.ID, refs.Community.StreetID
	p.apply(in, refs, v)
	if err := v.Err(); err != nil {
		return Person{}, err
	}
	if verified {
		p.Status, p.VerifiedBy, p.VerifiedAt = StatusVerified, registrar, &now
	}
	return p, nil
}

// Update patches the person. The community cannot change: moving to another community is a
// new registration there.
func (p *Person) Update(in Input, refs Refs, now time.Time) error {
	if !p.Active {
		return fmt.Errorf("%w: a deactivated person cannot be changed", domain.ErrInvalidTransition)
	}
	v := &domain.ValidationError{}
	if in.CommunityID != nil && *in.CommunityID != p.CommunityID {
		v.Add("community_id", "immutable", "community_id cannot change; register the person with the new community")
	}
	if in.Name != nil && strings.TrimSpace(*in.Name) == "" {
		v.Add("name", "required", "name cannot be empty")
	}
	if in.Phone != nil && strings.TrimSpace(*in.Phone) == "" {
		v.Add("phone", "required", "phone cannot be empty")
	}
	p.apply(in, refs, v)
	if err := v.Err(); err != nil {
		return err
	}
	p.Version++
	p.UpdatedAt = now
	return nil
}

func (p *Person) apply(in Input, refs Refs, v *domain.ValidationError) {
	if in.Name != nil {
		p.Name = strings.TrimSpace(*in.Name)
		if utf8.RuneCountInString(p.Name) > MaxNameLen {
			v.Add("name", "too_long", "name must be at most %d characters", MaxNameLen)
		}
	}
	if in.Phone != nil {
		p.Phone = strings.TrimSpace(*in.Phone)
		if p.Phone != "" && !domain.ValidPhone(p.Phone) {
			v.Add("phone", "invalid", "phone must be a phone number")
		}
	}
	if in.EmployerOrgID != nil {
		p.EmployerOrgID = ""
		switch {
		case *in.EmployerOrgID == "":
		case refs.Employer == nil || refs.Employer.Kind != domain.KindUnit:
			v.Add("employer_org_id", "invalid", "employer_org_id must name a unit")
		default:
			p.EmployerOrgID = refs.Employer.ID
		}
	}
	if in.PartyMember != nil {
		p.PartyMember = *in.PartyMember
	}
	if in.Skills != nil {
		p.Skills = []string{}
		if len(*in.Skills) > MaxSkills {
			v.Add("skills", "too_long", "at most %d skills", MaxSkills)
		}
		for i, s := range *in.Skills {
			switch {
			case refs.Known == nil || !refs.Known(s):
				v.Add(fmt.Sprintf("skills[%d]", i), "invalid", "skill %q is not a category code", s)
			case !slices.Contains(p.Skills, s):
				p.Skills = append(p.Skills, s)
			}
		}
	}
	if in.ExternalID != nil {
		id := strings.TrimSpace(*in.ExternalID)
		switch {
		case id == "":
			p.ExternalID, p.ExternalClientID = "", ""
		case len(id) > MaxExternalIDLen:
			v.Add("external_id", "too_long", "external_id must be at most %d bytes", MaxExternalIDLen)
		case refs.App == nil:
			v.Add("external_client_id", "required", "external_client_id names the app the external_id belongs to")
		default:
			p.ExternalID, p.ExternalClientID = id, refs.App.ClientID
		}
	}
}

// Verify confirms a pending registration.
func (p *Person) Verify(actor string, now time.Time) error {
	if !p.Active || p.Status != StatusPending {
		return fmt.Errorf("%w: only a pending, active person is verified", domain.ErrInvalidTransition)
	}
	p.Status, p.VerifiedBy, p.VerifiedAt = StatusVerified, actor, &now
	p.Version++
	p.UpdatedAt = now
	return nil
}

// Deactivate ends the person's registration; deactivating twice changes nothing, so DELETE is
// idempotent. It reports whether anything changed.
func (p *Person) Deactivate(now time.Time) bool {
	if !p.Active {
		return false
	}
	p.Active, p.DeactivatedAt = false, &now
	p.Version++
	p.UpdatedAt = now
	return true
}

// CanAct reports whether an app may be given a token for the person: active and verified.
func (p Person) CanAct() bool { return p.Active && p.Status == StatusVerified }
