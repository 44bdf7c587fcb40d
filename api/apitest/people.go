package apitest

import (
	"net/http"
	"net/url"
)

// Person registers a person with community as c, with extra fields, and returns it.
func (c *Client) Person(name, community string, extra map[string]any) map[string]any {
	c.s.T.Helper()
	body := map[string]any{"name": name, "phone": "13912345678", "community_id": community}
	for k, v := range extra {
		body[k] = v
	}
	return c.Do("POST", "/api/v1/people", body).Expect(http.StatusCreated)
}

// App registers an app for org with scopes (as the admin c) and returns its client id and secret.
func (c *Client) App(org string, scopes ...string) (clientID, secret string) {
	c.s.T.Helper()
	r := c.Do("POST", "/api/v1/clients", map[string]any{"name": "社区小程序", "org_id": org, "scopes": scopes}).Expect(http.StatusCreated)
	return r["client_id"].(string), r["client_secret"].(string)
}

// AppClient returns a client holding an app's client-credentials token.
func (s *Server) AppClient(clientID, secret string) *Client {
	s.T.Helper()
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {clientID}, "client_secret": {secret}}
	c := s.Anon()
	c.Token = s.Anon().With("Content-Type", "application/x-www-form-urlencoded").
		Do("POST", "/api/v1/oauth/token", form.Encode()).Expect(http.StatusOK)["access_token"].(string)
	return c
}

// ExchangeToken asks /oauth/token for a person token (RFC 8693) with a form body.
func (s *Server) ExchangeToken(clientID, secret, externalID string) *Response {
	form := url.Values{
		"grant_type": {"urn:ietf:params:oauth:grant-type:token-exchange"}, "client_id": {clientID},
		"client_secret": {secret}, "subject_token": {externalID},
		"subject_token_type": {"urn:gongjian:token-type:external-id"},
	}
	return s.Anon().With("Content-Type", "application/x-www-form-urlencoded").Do("POST", "/api/v1/oauth/token", form.Encode())
}

// AsPerson returns a client holding a person token for the person with externalID in the app.
func (s *Server) AsPerson(clientID, secret, externalID string) *Client {
	s.T.Helper()
	c := s.Anon()
	c.Token = s.ExchangeToken(clientID, secret, externalID).Expect(http.StatusOK)["access_token"].(string)
	return c
}
