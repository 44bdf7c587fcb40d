package api

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/gongjian/gongjian/domain"
)

// ClientRequest registers a third-party app bound to an org.
type ClientRequest struct {
	Name   *string  `json:"name" example:"五星街道停车小程序"`
	OrgID  *string  `json:"org_id"`
	Scopes []string `json:"scopes" enums:"listings:read,listings:write,claims:read,claims:write,events:read,people:write,people:act" example:"listings:read,claims:write"`
} // @name AppRequest

// ClientResponse is a registered app. Its secret is never shown here: only at creation and
// after a rotation (ClientWithSecret).
type ClientResponse struct {
	ID       string   `json:"id"`
	ClientID string   `json:"client_id" example:"gj_5f2b9c1d7e3a4b6c8d0e1f2a"`
	Name     string   `json:"name" example:"五星街道停车小程序"`
	OrgID    string   `json:"org_id"`
	OrgName  string   `json:"org_name" example:"五星社区"`
	Scopes   []string `json:"scopes" enums:"listings:read,listings:write,claims:read,claims:write,events:read,people:write,people:act" example:"listings:read,claims:write"`
	// PreviousSecretExpiresAt is when the secret replaced by the last rotation stops working;
	// null before any rotation.
	PreviousSecretExpiresAt *time.Time `json:"previous_secret_expires_at"`
	// RevokedAt is null while the app may get tokens.
	RevokedAt *time.Time `json:"revoked_at"`
	CreatedBy string     `json:"created_by"`
	Version   int64      `json:"version"`
	CreatedAt time.Time  `json:"created_at"`
	UpdatedAt time.Time  `json:"updated_at"`
} // @name App

// ClientSecretResponse is an app with its plain secret, shown once. Store it at once: the
// server keeps only a hash and cannot show it again.
type ClientSecretResponse struct {
	ClientResponse
	// ClientSecret is absent when an Idempotency-Key replay answers: it is shown only once.
	ClientSecret string `json:"client_secret,omitempty" example:"gjs_q3Jr2m4Yb8kP0vXo6tWz1nLc5hAe7uGs9dFi2jKl3xM"`
} // @name AppWithSecret

// ClientList is a page of apps.
type ClientList = List[ClientResponse] // @name AppList

func clientResponse(c domain.Client, n domain.Names) ClientResponse {
	return ClientResponse{
		ID: c.ID, ClientID: c.ClientID, Name: c.Name, OrgID: c.OrgID, OrgName: nameOr(n.Org(c.OrgID)), Scopes: c.Scopes,
		PreviousSecretExpiresAt: c.PreviousSecretExpiresAt, RevokedAt: c.RevokedAt,
		CreatedBy: c.CreatedBy, Version: c.Version, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt,
	}
}

type clientHandlers struct {
	svc   *domain.ClientService
	names *domain.Namer
}

// withSecret answers an app with its secret, which no cache may keep.
func (h clientHandlers) withSecret(c echo.Context, status int, cl domain.Client, secret string) error {
	n, err := names(c, h.names, func(r *domain.NameRefs) { r.Org(cl.OrgID) })
	if err != nil {
		return err
	}
	noStore(c)
	setETag(c, cl.Version)
	return c.JSON(status, ClientSecretResponse{ClientResponse: clientResponse(cl, n), ClientSecret: secret})
}

// create godoc
// @Summary      Register a third-party app
// @Description  Admins only. The app acts for org_id (a street, community or unit) with the given scopes, and gets access tokens from POST /oauth/token with client_id and client_secret. The secret is in this response only; the server keeps a hash. With Idempotency-Key, a retry returns this same response, secret included, for as long as the key is kept.
// @ID           createClient
// @Tags         clients
// @Accept       json
// @Produce      json
// @Param        Idempotency-Key  header    string         false  "makes a retry return the first response"
// @Param        body             body      ClientRequest  true   "the app"
// @Success      201              {object}  ClientSecretResponse
// @Failure      400              {object}  Problem
// @Failure      401              {object}  Problem
// @Failure      403              {object}  Problem
// @Failure      422              {object}  Problem
// @Security     bearer
// @Router       /clients [post]
func (h clientHandlers) create(c echo.Context) error {
	var req ClientRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	cl, secret, err := h.svc.Create(c.Request().Context(), principal(c),
		domain.ClientInput{Name: req.Name, OrgID: req.OrgID, Scopes: req.Scopes})
	if err != nil {
		return err
	}
	return h.withSecret(c, http.StatusCreated, cl, secret)
}

// list godoc
// @Summary      List third-party apps
// @Description  Admins only. Revoked apps are listed too (with revoked_at), as the record of who had access. Secrets are never shown.
// @ID           listClients
// @Tags         clients
// @Produce      json
// @Param        org_id  query     string  false  "filter by the org the apps act for"
// @Param        limit   query     int     false  "page size (1–100, default 20)"  minimum(1)  maximum(100)  default(20)
// @Param        cursor  query     string  false  "next_cursor of the previous page"
// @Success      200     {object}  ClientList
// @Failure      401     {object}  Problem
// @Failure      403     {object}  Problem
// @Failure      422     {object}  Problem
// @Security     bearer
// @Router       /clients [get]
func (h clientHandlers) list(c echo.Context) error {
	pg, err := pageParams(c)
	if err != nil {
		return err
	}
	cls, err := h.svc.List(c.Request().Context(), principal(c), domain.ClientFilter{OrgID: c.QueryParam("org_id"), Page: pg})
	if err != nil {
		return err
	}
	cls, last := domain.Paginate(cls, pg.Limit, func(cl domain.Client) string { return cl.ID })
	n, err := names(c, h.names, func(r *domain.NameRefs) {
		for _, cl := range cls {
			r.Org(cl.OrgID)
		}
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, listPage(cls, last, func(cl domain.Client) ClientResponse { return clientResponse(cl, n) }))
}

// revoke godoc
// @Summary      Revoke a third-party app
// @Description  Admins only. The app's secrets stop working, and so do the access tokens it holds, from the next request on. Revoking a revoked app is a 204 as well.
// @ID           revokeClient
// @Tags         clients
// @Param        id   path  string  true  "app id (the id, not the client_id)"
// @Success      204
// @Failure      401  {object}  Problem
// @Failure      403  {object}  Problem
// @Failure      404  {object}  Problem
// @Failure      422  {object}  Problem
// @Security     bearer
// @Router       /clients/{id} [delete]
func (h clientHandlers) revoke(c echo.Context) error {
	if err := h.svc.Revoke(c.Request().Context(), principal(c), c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// rotateSecret godoc
// @Summary      Give a third-party app a new secret
// @Description  Admins only. Returns the new client_secret (shown only here). The previous secret keeps working until previous_secret_expires_at (GONGJIAN_CLIENT_SECRET_GRACE after now, default 24 h), so the app can be redeployed without downtime; a secret still in its grace period from an earlier rotation stops at once. A revoked app is 409 invalid_transition.
// @ID           rotateClientSecret
// @Tags         clients
// @Produce      json
// @Param        id               path      string  true   "app id (the id, not the client_id)"
// @Param        Idempotency-Key  header    string  false  "makes a retry return the first response instead of rotating again"
// @Success      200              {object}  ClientSecretResponse
// @Failure      401              {object}  Problem
// @Failure      403              {object}  Problem
// @Failure      404              {object}  Problem
// @Failure      409              {object}  Problem
// @Failure      422              {object}  Problem
// @Security     bearer
// @Router       /clients/{id}/rotate-secret [post]
func (h clientHandlers) rotateSecret(c echo.Context) error {
	cl, secret, err := h.svc.RotateSecret(c.Request().Context(), principal(c), c.Param("id"))
	if err != nil {
		return err
	}
	return h.withSecret(c, http.StatusOK, cl, secret)
}
