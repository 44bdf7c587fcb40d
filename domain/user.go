package domain

import (
	"context"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"
)

// Role is what a user (or app) may do; each role belongs to one org kind.
type Role string

// Roles of API.md §3, plus RoleApp for third-party apps using client credentials and RolePerson
// for a person an app acts for (API.md §10). Neither is a user's role.
const (
	RoleAdmin          Role = "admin"
	RoleCoordinator    Role = "coordinator"
	RoleCommunityStaff Role = "community_staff"
	RoleLiaison        Role = "liaison"
	RoleApp            Role = "app"
	RolePerson         Role = "person"
)

// OrgKind is the kind of org a role's users belong to.
func (r Role) OrgKind() OrgKind {
	switch r {
	case RoleAdmin:
		return KindDistrict
	case RoleCoordinator:
		return KindStreet
	case RoleCommunityStaff:
		return KindCommunity
	case RoleLiaison:
		return KindUnit
	}
	return ""
}

// User is a person who logs in. PasswordHash never leaves the domain and repository.
type User struct {
	ID           string
	Username     string
	DisplayName  string
	Phone        string
	Role         Role
	OrgID        string
	PasswordHash string
	Active       bool
	// SessionEpoch moves whenever every session of the user must end (a new password,
	// deactivation): a session lives only while its Epoch is the user's.
	SessionEpoch int64
	Version      int64
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// UserInput is what a caller may set on a user.
type UserInput struct {
	Username    *string
	Password    *string
	DisplayName *string
	Phone       *string
	Role        *Role
	OrgID       *string
}

var (
	usernameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._@-]{2,63}$`)
	phoneRE    = regexp.MustCompile(`^\+?[0-9][0-9 -]{5,19}$`)
)

// ValidPhone accepts mainland mobile numbers, landlines with area codes and international forms.
func ValidPhone(s string) bool { return phoneRE.MatchString(s) }

// PasswordHasher hashes and checks passwords. Cost is tunable so tests stay fast.
type PasswordHasher struct{ Cost int }

// Hash returns a bcrypt hash of pw.
func (h PasswordHasher) Hash(pw string) (string, error) {
	cost := h.Cost
	if cost == 0 {
		cost = bcrypt.DefaultCost
	}
	b, err := bcrypt.GenerateFromPassword([]byte(pw), cost)
	return string(b), err
}

// Check reports whether pw matches hash.
func (h PasswordHasher) Check(hash, pw string) bool {
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(pw)) == nil
}

func validatePassword(pw string, v *ValidationError) {
	n := utf8.RuneCountInString(pw)
	if n < 8 {
		v.Add("password", "too_short", "password must be at least 8 characters")
	}
	if len(pw) > 72 { // bcrypt ignores what lies beyond 72 bytes
		v.Add("password", "too_long", "password must be at most 72 bytes")
	}
}

// NewUser validates input for a user of org and hashes the password.
func NewUser(in UserInput, org Org, h PasswordHasher, now time.Time) (User, error) {
	v := &ValidationError{}
	u := User{ID: NewID(), Active: true, Version: 1, CreatedAt: now, UpdatedAt: now, OrgID: org.ID}
	if in.Username == nil || !usernameRE.MatchString(*in.Username) {
		v.Add("username", "invalid", "username must be 3–64 letters, digits or . _ @ -, starting with a letter or digit")
	} else {
		u.Username = strings.ToLower(*in.Username)
	}
	if in.Password == nil {
		v.Add("password", "required", "password is required")
	} else {
		validatePassword(*in.Password, v)
	}
	if in.Role == nil || in.Role.OrgKind() == "" {
		v.Add("role", "invalid", "role must be one of admin, coordinator, community_staff, liaison")
	} else {
		u.Role = *in.Role
		if u.Role.OrgKind() != org.Kind {
			v.Add("role", "invalid", "a %s belongs to a %s, not a %s", u.Role, u.Role.OrgKind(), org.Kind)
		}
	}
	u.applyProfile(in, v)
	if u.DisplayName == "" {
		u.DisplayName = u.Username
	}
	if err := v.Err(); err != nil {
		return u, err
	}
	hash, err := h.Hash(*in.Password)
	if err != nil {
		return u, err
	}
	u.PasswordHash = hash
	return u, nil
}

// Update applies a patch. Username, role and org do not change: a person who moves gets a new
// account, so audit trails keep meaning what they said.
func (u *User) Update(in UserInput, h PasswordHasher, now time.Time) error {
	v := &ValidationError{}
	if in.Username != nil && strings.ToLower(*in.Username) != u.Username {
		v.Add("username", "immutable", "username cannot change")
	}
	if in.Role != nil && *in.Role != u.Role {
		v.Add("role", "immutable", "role cannot change")
	}
	if in.OrgID != nil && *in.OrgID != u.OrgID {
		v.Add("org_id", "immutable", "org_id cannot change")
	}
	if in.Password != nil {
		validatePassword(*in.Password, v)
	}
	u.applyProfile(in, v)
	if err := v.Err(); err != nil {
		return err
	}
	if in.Password != nil {
		hash, err := h.Hash(*in.Password)
		if err != nil {
			return err
		}
		u.PasswordHash = hash
		u.SessionEpoch++ // whoever knew the old password is logged out
	}
	u.Version++
	u.UpdatedAt = now
	return nil
}

func (u *User) applyProfile(in UserInput, v *ValidationError) {
	if in.DisplayName != nil {
		u.DisplayName = strings.TrimSpace(*in.DisplayName)
		checkLen(v, "display_name", u.DisplayName, 100)
	}
	if in.Phone != nil {
		u.Phone = strings.TrimSpace(*in.Phone)
		if u.Phone != "" && !ValidPhone(u.Phone) {
			v.Add("phone", "invalid", "phone must be a phone number")
		}
	}
}

// Deactivate disables the account and ends its sessions at once.
func (u *User) Deactivate(now time.Time) {
	u.Active = false
	u.SessionEpoch++
	u.Version++
	u.UpdatedAt = now
}

// MaskPhone hides the middle of a number: 13812345678 → 138****5678.
func MaskPhone(p string) string {
	r := []rune(p)
	if len(r) <= 4 {
		return strings.Repeat("*", len(r))
	}
	keepHead := 3
	if len(r) < 9 {
		keepHead = 1
	}
	return string(r[:keepHead]) + "****" + string(r[len(r)-4:])
}

// UserFilter selects users in a list.
type UserFilter struct {
	OrgID    string
	OrgIDs   []string // when set, only users of these orgs
	StreetID string   // users of orgs in this street
	Page     Page
}

// UserStore persists users.
type UserStore interface {
	CreateUser(ctx context.Context, u User) error
	GetUser(ctx context.Context, id string) (User, error)
	GetUserByUsername(ctx context.Context, username string) (User, error)
	ListUsers(ctx context.Context, f UserFilter) ([]User, error)
	UpdateUser(ctx context.Context, id string, fn func(*User) error) (User, error)
	CountUsers(ctx context.Context) (int64, error)
}
