package people

import (
	"context"
	"time"

	"github.com/gongjian/gongjian/domain"
)

// ServiceRecord is one occurrence of a person's fulfilled claim on a need (服务记录): the time
// the person served, with where they lived and worked then.
type ServiceRecord struct {
	ClaimID       string
	PersonID      string
	CommunityID   string
	StreetID      string
	EmployerOrgID string
	Category      string
	Start, End    time.Time
}

// ServiceRecords are the records a fulfilled claim c by person x on a need of category adds:
// one per occurrence of its window that started by the fulfilment at. Occurrences still to come
// when the owner confirmed were not served and add nothing. A claim that is not a person's
// fulfilled claim on a need adds nothing.
func ServiceRecords(c domain.Claim, x Person, category string, at time.Time) []ServiceRecord {
	if c.ClaimantPersonID == "" || c.ClaimantPersonID != x.ID || c.ListingSide != domain.SideNeed || c.Status != domain.ClaimFulfilled {
		return nil
	}
	var out []ServiceRecord
	for _, o := range c.Window.Occurrences(domain.ZoneOr(c.TimeZone)) {
		if o.Start.After(at) {
			break
		}
		out = append(out, ServiceRecord{ClaimID: c.ID, PersonID: x.ID, CommunityID: x.CommunityID, StreetID: x.StreetID,
			EmployerOrgID: x.EmployerOrgID, Category: category, Start: o.Start, End: o.End})
	}
	return out
}

// CategoryService is the service of one category.
type CategoryService struct {
	Category string
	Seconds  int64
	Claims   int64
}

// ServiceSummary is a person's service over a range (GET /people/{id}/service).
type ServiceSummary struct {
	Seconds    int64
	Claims     int64
	ByCategory []CategoryService
}

// MemberService is the service of one employee of a unit (GET /orgs/{id}/member-service).
type MemberService struct {
	PersonID      string
	PersonName    string
	CommunityID   string
	CommunityName string
	Seconds       int64
	Claims        int64
}

// ServiceStore reads service records; records are written with the claim's fulfilment.
type ServiceStore interface {
	// PersonService sums the person's records whose occurrence starts in [from, to).
	PersonService(ctx context.Context, personID string, from, to time.Time) (ServiceSummary, error)
	// MemberService sums, per person, the records of employees of unit whose occurrence starts
	// in [from, to), in person id order, Limit+1 of them.
	MemberService(ctx context.Context, unit string, from, to time.Time, page domain.Page) ([]MemberService, error)
}

// MaxServiceRange bounds one service query.
const MaxServiceRange = 366 * 24 * time.Hour

// serviceRange applies the defaults of a service query: the 366 days before now.
func serviceRange(from, to *time.Time, now time.Time) (time.Time, time.Time, error) {
	t := now
	if to != nil {
		t = *to
	}
	f := t.Add(-MaxServiceRange)
	if from != nil {
		f = *from
	}
	switch {
	case !t.After(f):
		return f, t, domain.Invalid("to", "out_of_range", "to must be after from")
	case t.Sub(f) > MaxServiceRange:
		return f, t, domain.Invalid("to", "out_of_range", "the range may span at most 366 days")
	}
	return f, t, nil
}

// CanReadMemberService: the unit's liaison officers, the street's coordinators and admins.
func CanReadMemberService(p domain.Principal, unit domain.Org) bool {
	switch {
	case unit.Kind != domain.KindUnit:
		return false
	case p.IsAdmin():
		return true
	case p.Role == domain.RoleCoordinator:
		return p.IsCoordinatorOf(unit.StreetID)
	}
	return p.Role == domain.RoleLiaison && p.OrgID == unit.ID
}

// PersonService is a person's service record over [from, to) (default: the last 366 days), for
// those who may read the person.
func (s *Service) PersonService(ctx context.Context, p domain.Principal, id string, from, to *time.Time) (ServiceSummary, time.Time, time.Time, error) {
	f, t, err := serviceRange(from, to, s.d.Now())
	if err != nil {
		return ServiceSummary{}, f, t, err
	}
	if _, err := s.Get(ctx, p, id); err != nil {
		return ServiceSummary{}, f, t, err
	}
	sum, err := s.d.Service.PersonService(ctx, id, f, t)
	return sum, f, t, err
}

// MemberService is the service of a unit's employees over [from, to) (一卡: what the unit's
// members did in the communities they live in).
func (s *Service) MemberService(ctx context.Context, p domain.Principal, unitID string, from, to *time.Time, page domain.Page) ([]MemberService, time.Time, time.Time, error) {
	f, t, err := serviceRange(from, to, s.d.Now())
	if err != nil {
		return nil, f, t, err
	}
	unit, err := s.d.Orgs.GetOrg(ctx, unitID)
	if err != nil {
		return nil, f, t, err
	}
	if !CanReadMemberService(p, unit) {
		if unit.Kind != domain.KindUnit {
			return nil, f, t, domain.ErrNotFound
		}
		return nil, f, t, domain.ErrForbidden
	}
	ms, err := s.d.Service.MemberService(ctx, unitID, f, t, page)
	return ms, f, t, err
}
