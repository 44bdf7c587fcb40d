package api

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/gongjian/gongjian/domain"
	"github.com/gongjian/gongjian/domain/people"
)

// OAuthTokenRequest is a client-credentials token request (RFC 6749 §4.4) or a token exchange
// for a person (RFC 8693 §2.1), sent as application/x-www-form-urlencoded (as OAuth libraries
// do) or as JSON.
type OAuthTokenRequest struct {
	GrantType string `json:"grant_type" enums:"client_credentials,urn:ietf:params:oauth:grant-type:token-exchange" example:"client_credentials"`
	// ClientID and ClientSecret are left out when sent with HTTP Basic instead.
	ClientID     string `json:"client_id,omitempty" example:"gj_5f2b9c1d7e3a4b6c8d0e1f2a"`
	ClientSecret string `json:"client_secret,omitempty" example:"gjs_q3Jr2m4Yb8kP0vXo6tWz1nLc5hAe7uGs9dFi2jKl3xM"`
	// Scope is space-delimited; empty asks for every scope the app is granted.
	Scope string `json:"scope,omitempty" example:"listings:read claims:write"`
	// SubjectToken is, for a token exchange, the person's external_id in the calling app.
	SubjectToken string `json:"subject_token,omitempty" example:"oX3b9_openid"`
	// SubjectTokenType must be urn:gongjian:token-type:external-id for a token exchange.
	SubjectTokenType string `json:"subject_token_type,omitempty" enums:"urn:gongjian:token-type:external-id"`
	// RequestedTokenType, when sent, must be urn:ietf:params:oauth:token-type:access_token.
	RequestedTokenType string `json:"requested_token_type,omitempty" enums:"urn:ietf:params:oauth:token-type:access_token"`
} // @name OAuthTokenRequest

// OAuthTokenResponse is an app's access token (RFC 6749 §5.1). There is no refresh token: an
// app asks for a new access token with its credentials.
type OAuthTokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type" example:"Bearer" enums:"Bearer"`
	ExpiresIn   int    `json:"expires_in" example:"900"`
	// Scope is the space-delimited scopes granted to this token; empty for a person token, whose
	// rights are those of API.md §9 for people.
	Scope string `json:"scope" example:"listings:read claims:write"`
	// IssuedTokenType is sent for a token exchange (RFC 8693 §2.2.1).
	IssuedTokenType string `json:"issued_token_type,omitempty" enums:"urn:ietf:params:oauth:token-type:access_token"`
} // @name OAuthTokenResponse

// OAuthProblem is a problem of the token endpoint: an RFC 9457 problem with RFC 6749's error
// members as extensions, so that OAuth libraries understand it too.
type OAuthProblem struct {
	Problem
	// Error is the RFC 6749 §5.2 error code.
	Error string `json:"error" enums:"invalid_request,invalid_client,invalid_grant,unsupported_grant_type,invalid_scope" example:"invalid_client"`
	// ErrorDescription is English ASCII, as RFC 6749 requires of it.
	ErrorDescription string `json:"error_description,omitempty"`
} // @name OAuthProblem

type oauthHandlers struct {
	svc    *domain.ClientService
	people *people.Service
}

// token godoc
// @Summary      Get an access token for a third-party app (OAuth 2.0 client credentials)
// @Description  RFC 6749 §4.4. Send grant_type=client_credentials, the app's client_id and client_secret, and optionally a space-delimited scope (default: every scope the app is granted; a scope not granted is invalid_scope), as a form (application/x-www-form-urlencoded) or as JSON. Instead of client_id and client_secret in the body, the app may authenticate with HTTP Basic (RFC 6749 §2.3.1: `Authorization: Basic base64(urlencode(client_id) ":" urlencode(client_secret))`), but not both. The access token is a bearer JWT for the org the app acts for; every request with it checks that the app is still active and holds the scope. No refresh token is issued. Errors are problem documents that also carry RFC 6749's `error` (and `error_description`): invalid_client with 401 unauthenticated (unknown client, wrong secret, revoked app); 400 validation_failed with unsupported_grant_type, invalid_scope, invalid_grant or invalid_request (a missing or repeated parameter, unknown JSON fields, text that is not valid UTF-8 or holds NUL), as RFC 6749 §5.2 says; errors[] names the parameter. Form parameters other than these are ignored (RFC 6749 §3.2). Rate limited per client address like /auth/login. Token exchange for a person (RFC 8693, API.md §10): an app granted people:act sends grant_type=urn:ietf:params:oauth:grant-type:token-exchange, its client credentials, subject_token=<the person's external_id in this app> and subject_token_type=urn:gongjian:token-type:external-id, and gets a person token (issued_token_type urn:ietf:params:oauth:token-type:access_token, empty scope) whose subject is the person and whose act claim is the app; it reads what API.md §9 lets a person read. An unknown, pending or deactivated person, or one outside the street of the app's org, is 400 invalid_request (field subject_token); an app without people:act is 400 invalid_scope.
// @ID           createOAuthToken
// @Tags         auth
// @Accept       x-www-form-urlencoded,json
// @Produce      json
// @Param        body  body      OAuthTokenRequest  true  "the token request"
// @Success      200   {object}  OAuthTokenResponse
// @Failure      400   {object}  OAuthProblem
// @Failure      401   {object}  OAuthProblem
// @Failure      413   {object}  Problem
// @Failure      415   {object}  OAuthProblem
// @Failure      429   {object}  Problem
// @Router       /oauth/token [post]
func (h oauthHandlers) token(c echo.Context) error {
	if err := checkRequestText(c); err != nil {
		return oauthFail(c, err, false)
	}
	req, basic, err := readTokenRequest(c)
	if err == nil {
		err = checkGrantType(req.GrantType)
	}
	if err != nil {
		return oauthFail(c, err, basic)
	}
	if req.GrantType == grantTokenExchange {
		return h.exchange(c, req, basic)
	}
	t, err := h.svc.Token(c.Request().Context(), req.ClientID, req.ClientSecret, req.Scope)
	if err != nil {
		return oauthFail(c, err, basic)
	}
	noStore(c)
	c.Response().Header().Set("Pragma", "no-cache") // RFC 6749 §5.1, for HTTP/1.0 caches
	return c.JSON(http.StatusOK, OAuthTokenResponse{
		AccessToken: t.AccessToken, TokenType: "Bearer", ExpiresIn: int(t.ExpiresIn.Seconds()),
		Scope: strings.Join(t.Scopes, " "),
	})
}

func checkGrantType(gt string) error {
	switch gt {
	case "client_credentials", grantTokenExchange:
		return nil
	case "":
		return fieldProblem(http.StatusUnprocessableEntity, "grant_type", "required", "grant_type is required")
	}
	return fieldProblem(http.StatusUnprocessableEntity, "grant_type", "unsupported", "grant_type must be client_credentials or "+grantTokenExchange)
}

// oauthFail answers err as a problem with RFC 6749's error member. Unexpected errors go to the
// one error handler instead, which logs them and answers generically.
func oauthFail(c echo.Context, err error, basic bool) error {
	p, internal := toProblem(err, language(c.Request()))
	if internal {
		return err
	}
	en, _ := toProblem(err, langEN)
	code, status := oauthError(p)
	p.Status = status
	op := OAuthProblem{Problem: p, Error: code, ErrorDescription: oauthDescription(en)}
	op.Instance = c.Request().URL.Path
	if status == http.StatusUnauthorized && basic {
		// RFC 6749 §5.2: a client that tried Basic is told which scheme to use.
		c.Response().Header().Set(echo.HeaderWWWAuthenticate, `Basic realm="gongjian", charset="UTF-8"`)
	}
	noStore(c)
	c.Response().Header().Set(echo.HeaderContentType, "application/problem+json")
	c.Response().WriteHeader(status)
	return jsonEncoder(c.Response()).Encode(op)
}

// oauthErrors maps the problems of the token endpoint to RFC 6749 §5.2 errors, first match wins.
// This is the one place where the endpoint's errors are decided: a new grant type adds its rows
// here (a grant that is invalid, expired or revoked answers a field error with code
// "invalid_grant").
var oauthErrors = []struct {
	match  func(p Problem, field, code string) bool
	error  string
	status int
}{
	{func(p Problem, _, _ string) bool { return p.Code == "unauthenticated" }, "invalid_client", http.StatusUnauthorized},
	// Transport-level refusals keep their status: they are not about the grant.
	{func(p Problem, _, _ string) bool {
		return p.Status == http.StatusRequestEntityTooLarge || p.Status == http.StatusUnsupportedMediaType ||
			p.Status == http.StatusTooManyRequests
	}, "invalid_request", 0},
	{func(_ Problem, field, _ string) bool { return field == "scope" }, "invalid_scope", http.StatusBadRequest},
	{func(_ Problem, field, code string) bool { return field == "grant_type" && code == "unsupported" }, "unsupported_grant_type", http.StatusBadRequest},
	{func(_ Problem, _, code string) bool { return code == "invalid_grant" }, "invalid_grant", http.StatusBadRequest},
	{func(Problem, string, string) bool { return true }, "invalid_request", http.StatusBadRequest},
}

// oauthError is the RFC 6749 §5.2 error code and HTTP status of a problem of the token endpoint.
func oauthError(p Problem) (string, int) {
	var field, code string
	if len(p.Errors) > 0 {
		field, code = p.Errors[0].Field, p.Errors[0].Code
	}
	for _, e := range oauthErrors {
		if e.match(p, field, code) {
			if e.status == 0 {
				return e.error, p.Status
			}
			return e.error, e.status
		}
	}
	return "invalid_request", http.StatusBadRequest
}

// oauthDescription is the English detail (or first field message) restricted to the characters
// RFC 6749 §5.2 allows in error_description: printable ASCII except '"' and '\'.
func oauthDescription(p Problem) string {
	s := p.Detail
	if len(p.Errors) > 0 {
		s = p.Errors[0].Message
	}
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' {
			return '\''
		}
		return r
	}, s)
}
