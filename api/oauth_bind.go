package api

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/gongjian/gongjian/domain"
)

const mimeForm = "application/x-www-form-urlencoded"

// tokenParams are the parameters of a token request the server reads.
var tokenParams = []string{"grant_type", "client_id", "client_secret", "scope", "subject_token", "subject_token_type", "requested_token_type"}

// readTokenRequest reads a token request from a form (RFC 6749's encoding) or a JSON body, and
// the client's credentials from HTTP Basic when sent so. basic reports whether the client tried
// Basic, so a 401 can say WWW-Authenticate: Basic. JSON is read as strictly as decodeJSON reads
// it; forms follow RFC 6749 §3.2: unknown parameters are ignored, repeated ones refused.
func readTokenRequest(c echo.Context) (req OAuthTokenRequest, basic bool, err error) {
	r := c.Request()
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return req, false, newProblem(http.StatusRequestEntityTooLarge, "payload_too_large", "the request body must not exceed 1 MiB")
		}
		return req, false, newProblem(http.StatusBadRequest, "validation_failed", "the request body could not be read")
	}
	var mt string
	if ct := r.Header.Get(echo.HeaderContentType); ct != "" {
		if mt, _, err = mime.ParseMediaType(ct); err != nil {
			return req, false, unsupportedTokenMedia()
		}
	}
	switch {
	case mt == mimeForm, mt == "" && !bytes.HasPrefix(bytes.TrimSpace(body), []byte("{")):
		// No Content-Type: a form unless it is plainly a JSON object (RFC 6749 speaks forms).
		req, err = decodeTokenForm(body)
	case mt == "", mt == echo.MIMEApplicationJSON, strings.HasSuffix(mt, "+json"):
		err = decodeBytes(body, &req)
	default:
		err = unsupportedTokenMedia()
	}
	if err != nil {
		return req, false, err
	}
	if r.Header.Get(echo.HeaderAuthorization) == "" {
		return req, false, nil
	}
	return basicCredentials(r, req)
}

func unsupportedTokenMedia() error {
	return newProblem(http.StatusUnsupportedMediaType, "validation_failed", "Content-Type must be application/x-www-form-urlencoded or application/json")
}

func decodeTokenForm(body []byte) (OAuthTokenRequest, error) {
	var req OAuthTokenRequest
	vals, err := url.ParseQuery(string(body))
	if err != nil {
		return req, newProblem(http.StatusBadRequest, "validation_failed", "the body is not a valid form")
	}
	for _, name := range tokenParams {
		if len(vals[name]) > 1 {
			return req, fieldProblem(http.StatusUnprocessableEntity, name, "repeated", name+" must be sent once")
		}
		if !cleanText(vals.Get(name)) {
			return req, textProblem(name)
		}
	}
	req.GrantType, req.ClientID, req.ClientSecret, req.Scope = vals.Get("grant_type"), vals.Get("client_id"), vals.Get("client_secret"), vals.Get("scope")
	req.SubjectToken, req.SubjectTokenType, req.RequestedTokenType = vals.Get("subject_token"), vals.Get("subject_token_type"), vals.Get("requested_token_type")
	return req, nil
}

// basicCredentials takes the client's credentials from HTTP Basic (RFC 6749 §2.3.1: each
// form-urlencoded before base64). Using Basic and a body secret together is refused: a client
// uses one authentication method per request.
func basicCredentials(r *http.Request, req OAuthTokenRequest) (OAuthTokenRequest, bool, error) {
	user, pass, ok := r.BasicAuth()
	if !ok {
		return req, true, domain.ErrInvalidClient
	}
	id, err1 := url.QueryUnescape(user)
	secret, err2 := url.QueryUnescape(pass)
	if err1 != nil || err2 != nil || !cleanText(id) || !cleanText(secret) {
		return req, true, domain.ErrInvalidClient
	}
	if req.ClientSecret != "" || (req.ClientID != "" && req.ClientID != id) {
		return req, true, fieldProblem(http.StatusUnprocessableEntity, "client_secret", "ambiguous",
			"send the client credentials either with HTTP Basic or in the body, not both")
	}
	req.ClientID, req.ClientSecret = id, secret
	return req, true, nil
}
