package apitest

import (
	"fmt"
	"net/http"
	"time"
)

// Shanghai is the default zone of listings.
var Shanghai = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return loc
}()

// Night returns the night starting at 19:00 Shanghai time, days after today, until 07:00.
func Night(days int) (time.Time, time.Time) {
	y, m, d := time.Now().In(Shanghai).Date()
	start := time.Date(y, m, d+days, 19, 0, 0, 0, Shanghai)
	return start, start.Add(12 * time.Hour)
}

// Window is a JSON window.
func Window(start, end time.Time, rrule string) map[string]any {
	w := map[string]any{"start": start.Format(time.RFC3339), "end": end.Format(time.RFC3339)}
	if rrule != "" {
		w["rrule"] = rrule
	}
	return w
}

// Listing posts an offer or need ("offers"/"needs") as c and returns it.
func (c *Client) Listing(kind, category string, quantity int, windows []map[string]any, extra map[string]any) map[string]any {
	c.s.T.Helper()
	body := map[string]any{
		"category": category, "title": category + " listing", "quantity": quantity,
		"location": map[string]any{"lat": 24.3264, "lng": 109.4281, "address": "五星街"},
		"windows":  windows,
	}
	for k, v := range extra {
		body[k] = v
	}
	return c.Do("POST", "/api/v1/"+kind, body).Expect(http.StatusCreated)
}

// Agreement creates an agreement between a and b as c, has both parties sign, and returns its id.
func (s *Server) Agreement(c, signA, signB *Client, a, b string, categories []string, extra map[string]any) string {
	s.T.Helper()
	y, m, d := time.Now().In(Shanghai).Date()
	body := map[string]any{
		"party_a_org_id": a, "party_b_org_id": b, "title": "共建协议", "categories": categories,
		"starts_on": time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Format("2006-01-02"),
		"ends_on":   time.Date(y+1, m, d, 0, 0, 0, 0, time.UTC).Format("2006-01-02"),
	}
	for k, v := range extra {
		body[k] = v
	}
	ag := c.Do("POST", "/api/v1/agreements", body).Expect(http.StatusCreated)
	id := ag["id"].(string)
	signA.Do("POST", "/api/v1/agreements/"+id+"/sign", nil).Expect(http.StatusOK)
	if got := signB.Do("POST", "/api/v1/agreements/"+id+"/sign", nil).Expect(http.StatusOK); got["status"] != "active" {
		panic(fmt.Sprintf("agreement not active after two signatures: %v", got))
	}
	return id
}

// Claim posts a claim as c.
func (c *Client) Claim(listingID string, quantity int, window map[string]any) *Response {
	return c.Do("POST", "/api/v1/claims", map[string]any{"listing_id": listingID, "quantity": quantity, "window": window})
}
