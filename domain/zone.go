package domain

import (
	"strings"
	"sync"
	"time"

	"github.com/gongjian/gongjian/domain/schedule"
)

// zones caches loaded time zones: time.LoadLocation reads the zone database on every call, and
// listings resolve their zone on every expansion.
var zones sync.Map // name → *time.Location

// Zone returns the IANA zone name, or false if there is no such zone ("Local" is refused: the
// server's zone means nothing to clients).
func Zone(name string) (*time.Location, bool) {
	if v, ok := zones.Load(name); ok {
		return v.(*time.Location), true
	}
	if name == "" || strings.EqualFold(name, "local") {
		return nil, false
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, false
	}
	zones.Store(name, loc)
	return loc, true
}

// ZoneOr returns the zone name, or the default zone (Asia/Shanghai) when it is unknown.
func ZoneOr(name string) *time.Location {
	if loc, ok := Zone(name); ok {
		return loc
	}
	return schedule.DefaultLocation()
}
