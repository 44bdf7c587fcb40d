package api

import (
	"net/http"

	"github.com/gongjian/gongjian/domain"
	"github.com/gongjian/gongjian/domain/geo"
)

// toDomain validates and converts an input location to WGS-84.
func (l LocationDTO) toDomain(field string) (domain.Location, error) {
	out := domain.Location{Lat: l.Lat, Lng: l.Lng, Address: l.Address}
	v := &domain.ValidationError{}
	out.Validate(field, v)
	if err := v.Err(); err != nil {
		return out, err
	}
	switch l.CRS {
	case "", "wgs84":
	case "gcj02":
		p := geo.GCJ02ToWGS84(geo.Point{Lat: l.Lat, Lng: l.Lng})
		out.Lat, out.Lng = p.Lat, p.Lng
	default:
		return out, fieldProblem(http.StatusUnprocessableEntity, field+".crs", "invalid", "crs must be wgs84 or gcj02")
	}
	return out, nil
}

func locationResponse(l domain.Location) *LocationDTO {
	return &LocationDTO{Lat: l.Lat, Lng: l.Lng, Address: l.Address}
}
