package matching

import (
	"testing"

	"pgregory.net/rapid"
)

// TestRequantifiedAsEvaluate: re-scoring a match for other quantities gives bit for bit what
// Evaluate gives for the pair with those quantities, compatible or not.
func TestRequantifiedAsEvaluate(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		query, other := base("query"), base("other")
		other.Lat += rapid.Float64Range(-0.05, 0.05).Draw(t, "dlat")
		query.RadiusKm = rapid.SampledFrom([]float64{0, 1, 5, 10}).Draw(t, "qradius")
		other.RadiusKm = rapid.SampledFrom([]float64{0, 2, 5, 25}).Draw(t, "oradius")
		other.Occurrences = []Interval{iv(float64(rapid.IntRange(8, 11).Draw(t, "start")), 12)}
		if rapid.Bool().Draw(t, "related") {
			other.Category = "meals"
		}
		related := RelatedCategories(map[string][]string{"food": {"meals"}})
		query.Quantity, other.Quantity = rapid.Int64Range(1, 9).Draw(t, "q1"), rapid.Int64Range(1, 9).Draw(t, "o1")
		score, reasons, ok := Evaluate(query, other, related)
		if !ok {
			return
		}
		query.Quantity, other.Quantity = rapid.Int64Range(-1, 9).Draw(t, "q2"), rapid.Int64Range(-1, 9).Draw(t, "o2")
		got, gotOK := Requantified(query, other, Suggestion{ID: other.ID, Index: 3, Score: score, Reasons: reasons})
		wantScore, wantReasons, wantOK := Evaluate(query, other, related)
		if gotOK != wantOK || gotOK && (got.Score != wantScore || got.Reasons != wantReasons || got.ID != other.ID || got.Index != 3) {
			t.Fatalf("requantified %+v %v, Evaluate %v %+v %v", got, gotOK, wantScore, wantReasons, wantOK)
		}
	})
}
