package api

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/gongjian/gongjian/domain/people"
)

// RFC 8693 identifiers of the person token exchange (API.md §10).
const (
	grantTokenExchange   = "urn:ietf:params:oauth:grant-type:token-exchange"
	tokenTypeExternalID  = "urn:gongjian:token-type:external-id"
	tokenTypeAccessToken = "urn:ietf:params:oauth:token-type:access_token"
)

// exchange answers a token exchange: the app's credentials and a person's external id in that
// app become a person token. Its errors are 400s with RFC 6749's error member (RFC 8693 §2.2.2).
func (h oauthHandlers) exchange(c echo.Context, req OAuthTokenRequest, basic bool) error {
	if err := checkExchange(req); err != nil {
		return oauthFail(c, err, basic)
	}
	t, err := h.people.Exchange(c.Request().Context(), req.ClientID, req.ClientSecret, req.SubjectToken)
	switch {
	case errors.Is(err, people.ErrNoSubject):
		err = fieldProblem(http.StatusBadRequest, "subject_token", "not_found",
			"no verified person has this external id in the calling app")
	case errors.Is(err, people.ErrNoActScope):
		err = fieldProblem(http.StatusBadRequest, "scope", "not_granted", "the app is not granted people:act")
	}
	if err != nil {
		return oauthFail(c, err, basic)
	}
	noStore(c)
	c.Response().Header().Set("Pragma", "no-cache")
	return c.JSON(http.StatusOK, OAuthTokenResponse{
		AccessToken: t.AccessToken, IssuedTokenType: tokenTypeAccessToken, TokenType: "Bearer",
		ExpiresIn: int(t.ExpiresIn.Seconds()),
	})
}

func checkExchange(req OAuthTokenRequest) error {
	switch {
	case req.SubjectToken == "":
		return fieldProblem(http.StatusBadRequest, "subject_token", "required", "subject_token is required")
	case req.SubjectTokenType != tokenTypeExternalID:
		return fieldProblem(http.StatusBadRequest, "subject_token_type", "unsupported",
			"subject_token_type must be "+tokenTypeExternalID)
	case req.RequestedTokenType != "" && req.RequestedTokenType != tokenTypeAccessToken:
		return fieldProblem(http.StatusBadRequest, "requested_token_type", "unsupported",
			"requested_token_type must be "+tokenTypeAccessToken)
	}
	return nil
}
