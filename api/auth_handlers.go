package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/gongjian/gongjian/domain"
	"github.com/gongjian/gongjian/domain/people"
)

// LoginRequest is a username and password.
type LoginRequest struct {
	Username string `json:"username" example:"admin"`
	Password string `json:"password" example:"change-me-please"`
} // @name LoginRequest

// RefreshRequest carries a refresh token.
type RefreshRequest struct {
	RefreshToken string `json:"refresh_token"`
} // @name RefreshRequest

// TokenResponse is an access token and its refresh token.
type TokenResponse struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type" example:"Bearer" enums:"Bearer"`
	ExpiresIn    int    `json:"expires_in" example:"900"`
	RefreshToken string `json:"refresh_token"`
} // @name TokenResponse

// MeResponse describes the caller. For an app (role "app") id is its app id, username its
// client_id and display_name its name. For a person token (role "person") id and person_id are
// the person's, display_name their name, org_id their community, and username and scopes empty.
type MeResponse struct {
	ID          string   `json:"id"`
	PersonID    string   `json:"person_id,omitempty"`
	Username    string   `json:"username"`
	DisplayName string   `json:"display_name"`
	Role        string   `json:"role" enums:"admin,coordinator,community_staff,liaison,app,person"`
	OrgID       string   `json:"org_id"`
	Scopes      []string `json:"scopes" enums:"listings:read,listings:write,claims:read,claims:write,events:read,people:write,people:act"`
} // @name Me

type authHandlers struct {
	auth    *domain.AuthService
	dir     *domain.Directory
	clients *domain.ClientService
	people  *people.Service
}

func tokenResponse(t domain.Tokens) TokenResponse {
	return TokenResponse{AccessToken: t.AccessToken, TokenType: "Bearer", ExpiresIn: int(t.ExpiresIn.Seconds()), RefreshToken: t.RefreshToken}
}

// login godoc
// @Summary      Log in with username and password
// @Description  Returns a short-lived access token (JWT, HS256) and a refresh token. Wrong credentials and deactivated accounts are 401. Failed attempts are counted per username from each client address (an IPv6 client by its /64: 5 free, then 429 with Retry-After for 1 min, doubling to 15 min) and per username from anywhere (50 free, then likewise), whether or not the account exists, so the answers never tell. A good password clears both counts.
// @ID           login
// @Tags         auth
// @Accept       json
// @Produce      json
// @Param        body  body      LoginRequest  true  "credentials"
// @Success      200   {object}  TokenResponse
// @Failure      400   {object}  Problem
// @Failure      401   {object}  Problem
// @Failure      422   {object}  Problem
// @Failure      429   {object}  Problem
// @Router       /auth/login [post]
func (h authHandlers) login(c echo.Context) error {
	var req LoginRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	t, err := h.auth.Login(c.Request().Context(), req.Username, req.Password, c.RealIP())
	if err != nil {
		return err
	}
	noStore(c)
	return c.JSON(http.StatusOK, tokenResponse(t))
}

// refresh godoc
// @Summary      Exchange a refresh token for new tokens
// @Description  Rotation: the presented refresh token is spent. Presenting a spent token again is 401 and revokes every token of that login.
// @ID           refreshToken
// @Tags         auth
// @Accept       json
// @Produce      json
// @Param        body  body      RefreshRequest  true  "refresh token"
// @Success      200   {object}  TokenResponse
// @Failure      400   {object}  Problem
// @Failure      401   {object}  Problem
// @Failure      422   {object}  Problem
// @Router       /auth/refresh [post]
func (h authHandlers) refresh(c echo.Context) error {
	var req RefreshRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	t, err := h.auth.Refresh(c.Request().Context(), req.RefreshToken)
	if err != nil {
		return err
	}
	noStore(c)
	return c.JSON(http.StatusOK, tokenResponse(t))
}

// logout godoc
// @Summary      Log out
// @Description  Revokes the login the refresh token belongs to: its refresh tokens and its access tokens stop working.
// @ID           logout
// @Tags         auth
// @Accept       json
// @Param        body  body  RefreshRequest  true  "refresh token"
// @Success      204
// @Failure      400   {object}  Problem
// @Failure      401   {object}  Problem
// @Failure      422   {object}  Problem
// @Security     bearer
// @Router       /auth/logout [post]
func (h authHandlers) logout(c echo.Context) error {
	var req RefreshRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if err := h.auth.Logout(c.Request().Context(), req.RefreshToken); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// me godoc
// @Summary      Who am I
// @Description  For a user: their account, role and the scopes the role has. For a third-party app (an access token from /oauth/token): role "app", id the app's id, username its client_id, display_name its name, org_id the org it acts for, and scopes those of the token that the app still holds. For a person token (from the token exchange): role "person", id and person_id the person's id, display_name their name, org_id their community.
// @ID           getMe
// @Tags         auth
// @Produce      json
// @Success      200  {object}  MeResponse
// @Failure      401  {object}  Problem
// @Failure      422  {object}  Problem
// @Security     bearer
// @Security     oauth2
// @Router       /me [get]
func (h authHandlers) me(c echo.Context) error {
	p := principal(c)
	if p.IsPerson() {
		v, err := h.people.Self(c.Request().Context(), p)
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, MeResponse{
			ID: v.ID, PersonID: v.ID, DisplayName: v.Name, Role: string(domain.RolePerson), OrgID: v.CommunityID, Scopes: []string{},
		})
	}
	if p.Role == domain.RoleApp {
		app, err := h.clients.Self(c.Request().Context(), p)
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, MeResponse{
			ID: app.ID, Username: app.ClientID, DisplayName: app.Name, Role: string(domain.RoleApp),
			OrgID: app.OrgID, Scopes: p.Scopes,
		})
	}
	u, _, err := h.dir.GetUser(c.Request().Context(), p, p.UserID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, MeResponse{
		ID: u.ID, Username: u.Username, DisplayName: u.DisplayName, Role: string(u.Role),
		OrgID: u.OrgID, Scopes: p.Scopes,
	})
}

func noStore(c echo.Context) {
	c.Response().Header().Set("Cache-Control", "no-store")
}
