package domain

import "testing"

func TestOrgAndUserPermissions(t *testing.T) {
	t.Parallel()
	const (
		district = "d"
		streetS  = "s"
		streetT  = "t"
	)
	admin := Principal{UserID: "a", Role: RoleAdmin, OrgID: district, OrgKind: KindDistrict, DistrictID: district}
	coordS := Principal{UserID: "c", Role: RoleCoordinator, OrgID: streetS, OrgKind: KindStreet, StreetID: streetS}
	coordT := Principal{UserID: "c2", Role: RoleCoordinator, OrgID: streetT, OrgKind: KindStreet, StreetID: streetT}
	staff := Principal{UserID: "s", Role: RoleCommunityStaff, OrgID: "comm", OrgKind: KindCommunity, StreetID: streetS}
	liaison := Principal{UserID: "l", Role: RoleLiaison, OrgID: "unit", OrgKind: KindUnit, StreetID: streetS}

	street := Org{ID: streetS, Kind: KindStreet, StreetID: streetS}
	community := Org{ID: "comm", Kind: KindCommunity, StreetID: streetS}
	unit := Org{ID: "unit", Kind: KindUnit, StreetID: streetS}
	otherUnit := Org{ID: "unit2", Kind: KindUnit, StreetID: streetT}

	type row struct {
		name                                   string
		p                                      Principal
		org                                    Org
		create, edit, createUser, readUser, ph bool
	}
	rows := []row{
		{"admin/street", admin, street, true, true, true, true, true},
		{"admin/unit", admin, unit, true, true, true, true, true},
		{"coordS/street", coordS, street, false, true, false, true, true},
		{"coordS/community", coordS, community, true, true, true, true, true},
		{"coordS/unit", coordS, unit, true, true, true, true, true},
		{"coordS/other street's unit", coordS, otherUnit, false, false, false, false, false},
		{"coordT/unit", coordT, unit, false, false, false, false, false},
		{"staff/own community", staff, community, false, true, false, true, true},
		{"staff/unit", staff, unit, false, false, false, false, false},
		{"liaison/own unit", liaison, unit, false, true, false, true, true},
		{"liaison/community", liaison, community, false, false, false, false, false},
	}
	for _, r := range rows {
		if got := CanCreateOrg(r.p, r.org); got != r.create {
			t.Errorf("%s: CanCreateOrg = %v", r.name, got)
		}
		if got := CanEditOrg(r.p, r.org); got != r.edit {
			t.Errorf("%s: CanEditOrg = %v", r.name, got)
		}
		if got := CanCreateUser(r.p, r.org); got != r.createUser {
			t.Errorf("%s: CanCreateUser = %v", r.name, got)
		}
		if got := CanReadUser(r.p, r.org); got != r.readUser {
			t.Errorf("%s: CanReadUser = %v", r.name, got)
		}
		if got := SeesPhones(r.p, r.org, false); got != r.ph {
			t.Errorf("%s: SeesPhones = %v", r.name, got)
		}
	}
	if !SeesPhones(liaison, community, true) {
		t.Error("agreement partners see each other's phones")
	}
}

func TestMaskPhone(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"13812345678": "138****5678", "0772-2801234": "077****1234", "1234567": "1****4567", "123": "***"} {
		if got := MaskPhone(in); got != want {
			t.Errorf("MaskPhone(%q) = %q, want %q", in, got, want)
		}
	}
}
