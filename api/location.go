package api

import (
	"net/http"

	"github.com/gongjian/gongjian/domain"
	"github.com/gongjian/gongjian/domain/geo"
)

// toDomain validates and converts an input location to WGS-84.
func (l LocationDTO) toDomain(field string) (domain.Location, error) {
	out := domain.Location{Address: l.Address}
	v := &domain.ValidationError{}
	if l.Lat == nil {
		v.Add(field+".lat", "required", "lat is required")
	} else {
		out.Lat = *l.Lat
	}
	if l.Lng == nil {
		v.Add(field+".lng", "required", "lng is required")
	} else {
		out.Lng = *l.Lng
	}
	if err := v.Err(); err != nil {
		return out, err
	}
	out.Validate(field, v)
	if err := v.Err(); err != nil {
		return out, err
	}
	switch l.CRS {
	case "", "wgs84":
	case "gcj02":
		p := geo.GCJ02ToWGS84(geo.Point{Lat: out.Lat, Lng: out.Lng})
		out.Lat, out.Lng = p.Lat, p.Lng
	default:
		return out, fieldProblem(http.StatusUnprocessableEntity, field+".crs", "invalid", "crs must be wgs84 or gcj02")
	}
	return out, nil
}

func locationResponse(l domain.Location) *LocationDTO {
	return &LocationDTO{Lat: &l.Lat, Lng: &l.Lng, Address: l.Address}
}
