package api

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/gongjian/gongjian/domain"
)

// UserRequest creates or patches a user; on PATCH absent fields stay unchanged, and only
// display_name, phone and password may change.
type UserRequest struct {
	Username    *string `json:"username,omitempty" example:"wuxing-liaison" create:"required"`
	Password    *string `json:"password,omitempty" example:"a-long-passphrase" create:"required"`
	DisplayName *string `json:"display_name,omitempty" example:"李联络"`
	Phone       *string `json:"phone,omitempty" example:"13812345678"`
	Role        *string `json:"role,omitempty" enums:"admin,coordinator,community_staff,liaison" create:"required"`
	OrgID       *string `json:"org_id,omitempty" create:"required"`
} // @name UserRequest

// UserResponse is a user; phone is masked unless the caller may see it.
type UserResponse struct {
	ID          string    `json:"id"`
	Username    string    `json:"username"`
	DisplayName string    `json:"display_name"`
	Phone       string    `json:"phone"`
	Role        string    `json:"role" enums:"admin,coordinator,community_staff,liaison"`
	OrgID       string    `json:"org_id"`
	OrgName     string    `json:"org_name" example:"五星社区"`
	Active      bool      `json:"active"`
	Version     int64     `json:"version"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
} // @name User

// UserList is a page of users.
type UserList = List[UserResponse] // @name UserList

func (r UserRequest) toDomain() domain.UserInput {
	in := domain.UserInput{Username: r.Username, Password: r.Password, DisplayName: r.DisplayName, Phone: r.Phone, OrgID: r.OrgID}
	if r.Role != nil {
		role := domain.Role(*r.Role)
		in.Role = &role
	}
	return in
}

func userResponse(u domain.User, orgName string, showPhone bool) UserResponse {
	r := UserResponse{
		ID: u.ID, Username: u.Username, DisplayName: u.DisplayName, Phone: u.Phone, Role: string(u.Role),
		OrgID: u.OrgID, OrgName: orgName, Active: u.Active, Version: u.Version, CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt,
	}
	if !showPhone && r.Phone != "" {
		r.Phone = domain.MaskPhone(r.Phone)
	}
	return r
}

type userHandlers struct{ dir *domain.Directory }

func (h userHandlers) respond(c echo.Context, status int, u domain.User) error {
	p := principal(c)
	org, err := h.dir.GetOrg(c.Request().Context(), p, u.OrgID)
	if err != nil {
		return err
	}
	shows, err := h.dir.PhoneVisibility(c.Request().Context(), p)
	if err != nil {
		return err
	}
	setETag(c, u.Version)
	return c.JSON(status, userResponse(u, org.Name, p.UserID == u.ID || shows(org)))
}

// create godoc
// @Summary      Create a user
// @Description  Roles belong to org kinds: admin→district, coordinator→street, community_staff→community, liaison→unit. Admins create any user; coordinators create users of the communities and units of their street. A taken username is 409.
// @ID           createUser
// @Tags         users
// @Accept       json
// @Produce      json
// @Param        body  body      UserRequest  true  "the user"
// @Success      201   {object}  UserResponse
// @Failure      400   {object}  Problem
// @Failure      401   {object}  Problem
// @Failure      403   {object}  Problem
// @Failure      409   {object}  Problem
// @Failure      422   {object}  Problem
// @Security     bearer
// @Router       /users [post]
func (h userHandlers) create(c echo.Context) error {
	var req UserRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	u, err := h.dir.CreateUser(c.Request().Context(), principal(c), req.toDomain())
	if err != nil {
		return err
	}
	return h.respond(c, http.StatusCreated, u)
}

// get godoc
// @Summary      Get a user
// @ID           getUser
// @Tags         users
// @Produce      json
// @Param        id   path      string  true  "user id"
// @Success      200  {object}  UserResponse
// @Failure      401  {object}  Problem
// @Failure      404  {object}  Problem
// @Failure      422  {object}  Problem
// @Security     bearer
// @Router       /users/{id} [get]
func (h userHandlers) get(c echo.Context) error {
	u, _, err := h.dir.GetUser(c.Request().Context(), principal(c), c.Param("id"))
	if err != nil {
		return err
	}
	return h.respond(c, http.StatusOK, u)
}

// list godoc
// @Summary      List users
// @Description  Admins see every user, coordinators the users of their street, others the users of their own org.
// @ID           listUsers
// @Tags         users
// @Produce      json
// @Param        org_id  query     string  false  "filter by org"
// @Param        limit   query     int     false  "page size (1–100, default 20)"  minimum(1)  maximum(100)  default(20)
// @Param        cursor  query     string  false  "next_cursor of the previous page"
// @Success      200     {object}  UserList
// @Failure      401     {object}  Problem
// @Failure      403     {object}  Problem
// @Failure      422     {object}  Problem
// @Security     bearer
// @Router       /users [get]
func (h userHandlers) list(c echo.Context) error {
	pg, err := pageParams(c)
	if err != nil {
		return err
	}
	p := principal(c)
	ctx := c.Request().Context()
	users, err := h.dir.ListUsers(ctx, p, domain.UserFilter{OrgID: c.QueryParam("org_id"), Page: pg})
	if err != nil {
		return err
	}
	users, last := domain.Paginate(users, pg.Limit, func(u domain.User) string { return u.ID })
	// One phone decision per org; the page's orgs are read in one query.
	shows, err := h.dir.PhoneVisibility(ctx, p)
	if err != nil {
		return err
	}
	ids := []string{}
	for _, u := range users {
		ids = append(ids, u.OrgID)
	}
	orgs, err := h.dir.ListOrgs(ctx, p, domain.OrgFilter{IDs: ids})
	if err != nil {
		return err
	}
	shown, orgName := map[string]bool{}, map[string]string{}
	for _, o := range orgs {
		shown[o.ID], orgName[o.ID] = shows(o), o.Name
	}
	return c.JSON(http.StatusOK, listPage(users, last,
		func(u domain.User) UserResponse {
			return userResponse(u, orgName[u.OrgID], shown[u.OrgID] || u.ID == p.UserID)
		}))
}

// update godoc
// @Summary      Update a user
// @Description  The user themself, admins, and the coordinators of the user's street may change display_name, phone and password. Send If-Match to avoid lost updates.
// @ID           updateUser
// @Tags         users
// @Accept       json
// @Produce      json
// @Param        id        path      string       true   "user id"
// @Param        If-Match  header    string       false  "the ETag last read"
// @Param        body      body      UserRequest  true   "fields to change"
// @Success      200       {object}  UserResponse
// @Failure      400       {object}  Problem
// @Failure      401       {object}  Problem
// @Failure      403       {object}  Problem
// @Failure      404       {object}  Problem
// @Failure      412       {object}  Problem
// @Failure      422       {object}  Problem
// @Security     bearer
// @Router       /users/{id} [patch]
func (h userHandlers) update(c echo.Context) error {
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	var req UserRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	u, err := h.dir.UpdateUser(c.Request().Context(), principal(c), c.Param("id"), version, req.toDomain())
	if err != nil {
		return err
	}
	return h.respond(c, http.StatusOK, u)
}

// deactivate godoc
// @Summary      Deactivate a user
// @Description  The account is kept for the audit trail but can no longer log in; its tokens stop working.
// @ID           deactivateUser
// @Tags         users
// @Param        id   path  string  true  "user id"
// @Success      204
// @Failure      401  {object}  Problem
// @Failure      403  {object}  Problem
// @Failure      404  {object}  Problem
// @Failure      422  {object}  Problem
// @Security     bearer
// @Router       /users/{id} [delete]
func (h userHandlers) deactivate(c echo.Context) error {
	if err := h.dir.DeactivateUser(c.Request().Context(), principal(c), c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
