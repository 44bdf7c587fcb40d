package api

import (
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/gongjian/gongjian/domain"
)

// StatsFiguresDTO are the figures of all categories together.
type StatsFiguresDTO struct {
	Offers          int64 `json:"offers"`
	Needs           int64 `json:"needs"`
	Claims          int64 `json:"claims"`
	Approved        int64 `json:"approved"`
	Fulfilled       int64 `json:"fulfilled"`
	QuantityOffered int64 `json:"quantity_offered"`
	QuantityClaimed int64 `json:"quantity_claimed"`
} // @name StatsFigures

// CategoryStatsDTO are the figures of one category.
type CategoryStatsDTO struct {
	Category        string `json:"category" example:"parking"`
	Offers          int64  `json:"offers"`
	Needs           int64  `json:"needs"`
	Claims          int64  `json:"claims"`
	Approved        int64  `json:"approved"`
	Fulfilled       int64  `json:"fulfilled"`
	QuantityOffered int64  `json:"quantity_offered"`
	QuantityClaimed int64  `json:"quantity_claimed"`
} // @name CategoryStats

// StatsSummaryResponse is the statistics of a range; from, to, street_id and org_id say what
// was counted once defaults and the caller's permissions are applied.
type StatsSummaryResponse struct {
	From                  time.Time          `json:"from"`
	To                    time.Time          `json:"to"`
	StreetID              *string            `json:"street_id"`
	OrgID                 *string            `json:"org_id"`
	ByCategory            []CategoryStatsDTO `json:"by_category"`
	Totals                StatsFiguresDTO    `json:"totals"`
	FulfilmentRate        *float64           `json:"fulfilment_rate" example:"0.75"`
	MedianHoursToDecision *float64           `json:"median_hours_to_decision" example:"5.5"`
	AverageRating         *float64           `json:"average_rating" example:"4.5"`
	// PeopleRegistered counts the active people (verified or not) in scope now, PeopleVerified
	// the verified ones, VolunteerHours the service hours of people's fulfilled claims on needs
	// whose occurrences start in the range (API.md §10).
	PeopleRegistered int64   `json:"people_registered" example:"120"`
	PeopleVerified   int64   `json:"people_verified" example:"96"`
	VolunteerHours   float64 `json:"volunteer_hours" example:"312.5"`
} // @name StatsSummary

// csvTotalLabel names the totals row of the CSV; category codes are lower case, so it cannot
// clash with one.
const csvTotalLabel = "TOTAL"

var csvHeader = []string{"category", "offers", "needs", "claims", "approved", "fulfilled", "quantity_offered", "quantity_claimed"}

type statsHandlers struct{ stats *domain.Stats }

// summary godoc
// @Summary      Statistics summary
// @Description  Figures over [from, to) (default: the 30 days before now; at most 366 days), per category and in total. offers / needs: listings created in the range; quantity_offered: the summed quantity (per occurrence) of those offers. claims: claims created in the range, under their listing's category; quantity_claimed: their summed quantity whatever became of them; approved: those of them ever approved (now approved or fulfilled, or approved and later cancelled); fulfilled: those of them now fulfilled. fulfilment_rate: totals.fulfilled / totals.approved (null when nothing was approved). median_hours_to_decision: over claims approved or rejected within the range, the median time from the claim's creation to that decision, in hours; claims approved at creation (auto_approve agreements, accepted matching proposals) waited for nobody and are left out; null without decisions. average_rating: the mean rating of feedback given within the range (null without). by_category lists categories with any listing or claim counted, by code. Who sees what: admins everything, or one street with street_id; coordinators their street (another street is 403); community staff and liaison officers only their own org's listings and the claims it owns or makes (street_id narrows further); apps 403. With Accept: text/csv the answer is by_category as CSV with a header row, followed by a TOTAL row of the totals.
// @ID           statsSummary
// @Tags         statistics
// @Produce      json
// @Produce      text/csv
// @Param        street_id  query     string  false  "street (admins; coordinators default to theirs)"
// @Param        from       query     string  false  "RFC 3339, or a date YYYY-MM-DD meaning 00:00 Asia/Shanghai (default: to − 30 days)"
// @Param        to         query     string  false  "RFC 3339, or a date YYYY-MM-DD meaning 00:00 Asia/Shanghai; exclusive (default: now)"
// @Success      200        {object}  StatsSummaryResponse
// @Failure      401        {object}  Problem
// @Failure      403        {object}  Problem
// @Failure      422        {object}  Problem
// @Security     bearer
// @Router       /stats/summary [get]
func (h statsHandlers) summary(c echo.Context) error {
	from, err := statsTime(c, "from")
	if err != nil {
		return err
	}
	to, err := statsTime(c, "to")
	if err != nil {
		return err
	}
	s, err := h.stats.Summary(c.Request().Context(), principal(c), c.QueryParam("street_id"), from, to)
	if err != nil {
		return err
	}
	if wantsCSV(c.Request().Header.Get(echo.HeaderAccept)) {
		return writeStatsCSV(c, s)
	}
	out := StatsSummaryResponse{
		From: s.Scope.From, To: s.Scope.To, StreetID: optional(s.Scope.StreetID), OrgID: optional(s.Scope.OrgID),
		ByCategory: make([]CategoryStatsDTO, len(s.ByCategory)), Totals: StatsFiguresDTO(s.Totals),
		FulfilmentRate: s.FulfilmentRate, MedianHoursToDecision: s.MedianHoursToDecision, AverageRating: s.AverageRating,
		PeopleRegistered: s.PeopleRegistered, PeopleVerified: s.PeopleVerified, VolunteerHours: s.VolunteerHours,
	}
	for i, cs := range s.ByCategory {
		f := StatsFiguresDTO(cs.StatsFigures)
		out.ByCategory[i] = CategoryStatsDTO{Category: cs.Category, Offers: f.Offers, Needs: f.Needs, Claims: f.Claims,
			Approved: f.Approved, Fulfilled: f.Fulfilled, QuantityOffered: f.QuantityOffered, QuantityClaimed: f.QuantityClaimed}
	}
	return c.JSON(http.StatusOK, out)
}

// statsTime reads an optional RFC 3339 timestamp or civil date (midnight in Asia/Shanghai).
func statsTime(c echo.Context, name string) (*time.Time, error) {
	s := c.QueryParam(name)
	if s == "" {
		return nil, nil
	}
	// A "+" of an offset that the client forgot to percent-encode arrives as a space.
	t, err := time.Parse(time.RFC3339, strings.ReplaceAll(s, " ", "+"))
	if err != nil {
		t, err = time.ParseInLocation(time.DateOnly, s, domain.ZoneOr(""))
	}
	if err != nil {
		return nil, fieldProblem(http.StatusUnprocessableEntity, name, "invalid", name+" must be an RFC 3339 timestamp or a date YYYY-MM-DD")
	}
	return &t, nil
}

// wantsCSV reports whether the Accept header prefers text/csv to JSON (by q value; a tie goes
// to JSON, the default).
func wantsCSV(accept string) bool {
	csvQ, jsonQ := 0.0, 0.0
	for _, part := range strings.Split(accept, ",") {
		fields := strings.Split(part, ";")
		q := 1.0
		for _, p := range fields[1:] {
			if v, ok := strings.CutPrefix(strings.TrimSpace(p), "q="); ok {
				if f, err := strconv.ParseFloat(v, 64); err == nil {
					q = f
				}
			}
		}
		switch strings.ToLower(strings.TrimSpace(fields[0])) {
		case "text/csv":
			csvQ = max(csvQ, q)
		case "application/json", "application/*", "*/*":
			jsonQ = max(jsonQ, q)
		}
	}
	return csvQ > jsonQ
}

func writeStatsCSV(c echo.Context, s domain.StatsSummary) error {
	res := c.Response()
	res.Header().Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	res.Header().Set(echo.HeaderContentDisposition, `attachment; filename="stats-summary.csv"`)
	res.WriteHeader(http.StatusOK)
	w := csv.NewWriter(res)
	row := func(label string, f domain.StatsFigures) []string {
		out := []string{label}
		for _, n := range []int64{f.Offers, f.Needs, f.Claims, f.Approved, f.Fulfilled, f.QuantityOffered, f.QuantityClaimed} {
			out = append(out, strconv.FormatInt(n, 10))
		}
		return out
	}
	records := [][]string{csvHeader}
	for _, cs := range s.ByCategory {
		records = append(records, row(cs.Category, cs.StatsFigures))
	}
	records = append(records, row(csvTotalLabel, s.Totals))
	return w.WriteAll(records) // WriteAll flushes and reports the first write error
}
