package gongjianclient

import (
	"context"
	"fmt"
	"net/http"
)

// Inbox lists the pending and approved claims of a street with the generated client: one
// request per page, the names beside the ids (usage compiled by scripts/check-clients.sh).
func Inbox(ctx context.Context, base, token, street string) ([]string, error) {
	c, err := NewClientWithResponses(base, WithRequestEditorFn(func(_ context.Context, r *http.Request) error {
		r.Header.Set("Authorization", "Bearer "+token)
		return nil
	}))
	if err != nil {
		return nil, err
	}
	statuses := []ListClaimsParamsStatus{ListClaimsParamsStatusPending, ListClaimsParamsStatusApproved}
	params := &ListClaimsParams{StreetId: &street, Status: &statuses}
	var out []string
	for {
		res, err := c.ListClaimsWithResponse(ctx, params)
		if err != nil {
			return nil, err
		}
		if res.JSON200 == nil {
			return nil, fmt.Errorf("list claims: %s", res.Status())
		}
		for _, cl := range res.JSON200.Items {
			out = append(out, fmt.Sprintf("%s: %s → %s ×%d (%s)", cl.ListingTitle, cl.ClaimantOrgName, cl.OwnerOrgName, cl.Quantity, cl.Status))
		}
		if res.JSON200.NextCursor == nil {
			return out, nil
		}
		params.Cursor = res.JSON200.NextCursor
	}
}
