// Package api is gongjian's HTTP interface: the echo server, its routes and middleware, the
// request and response models with their swag annotations, and the one error handler that turns
// domain errors into RFC 9457 problems.
//
// @title                       gongjian API
// @version                     1.0
// @description                 Two-way claiming (双向认领) between units and communities of a street: offers and needs, co-building agreements, claims with capacity held per occurrence, and matching. Errors are RFC 9457 application/problem+json with a stable `code`; `title` and `detail` follow Accept-Language (zh-CN default, en). Lists take `limit` (1–100, default 20) and an opaque `cursor`. Mutable resources carry `version`, sent as a strong ETag; PATCH honours If-Match (412 version_mismatch when stale). Bad input is never a 5xx: a body that is not JSON is 400; a value that does not parse, and text anywhere in a request (body, query, path, cursor, headers) that is not valid UTF-8 or holds NUL, is 422 naming the field or parameter in errors[].
// @contact.name                 gongjian maintainers
// @contact.url                  https://github.com/gongjian/gongjian
// @contact.email                dev@gongjian.example
//
// @tag.name         auth
// @tag.description  登录与令牌 — log-in, token refresh and rotation, and OAuth 2.0 client credentials for apps.
// @tag.name         orgs
// @tag.description  组织 — the district, its streets, communities and units.
// @tag.name         users
// @tag.description  用户 — accounts of admins, coordinators, community staff and liaison officers.
// @tag.name         categories
// @tag.description  类别 — the catalogue of resource categories (错时停车, 场地设施, …).
// @tag.name         clients
// @tag.description  应用 — third-party apps registered by admins, with their scopes and secrets.
// @tag.name         offers
// @tag.description  资源清单 — what units and communities can give, with capacity per occurrence.
// @tag.name         needs
// @tag.description  需求清单 — what they need, in the same shape as offers.
// @tag.name         agreements
// @tag.description  共建协议 — co-building agreements between a unit and a community or street.
// @tag.name         claims
// @tag.description  认领 — claims on listings, decided by the street, with capacity held per occurrence.
// @tag.name         matching
// @tag.description  匹配 — suggestions and optimal matching runs over a street.
// @tag.name         people
// @tag.description  个人 — residents and in-service party members (双报到), their passes and service records.
// @tag.name         events
// @tag.description  事件 — the events feed, in commit order.
// @tag.name         webhooks
// @tag.description  回调 — signed deliveries of the events feed to a URL.
// @tag.name         statistics
// @tag.description  统计 — figures of a street by category.
// @tag.name         operations
// @tag.description  运维 — probes, metrics, the OpenAPI document and its UI.
// @BasePath                    /api/v1
// @securityDefinitions.apikey  bearer
// @in                          header
// @name                        Authorization
// @description                 An access token from POST /auth/login (or /oauth/token), sent as "Authorization: Bearer <token>". The tokens are JWTs following RFC8725 (JSON Web Token Best Current Practices): one algorithm, pinned when verifying; issuer, audience and expiry always checked.
//
// @securityDefinitions.oauth2.application  oauth2
// @tokenUrl                                 /api/v1/oauth/token
// @scope.listings:read                      read offers and needs 读取资源与需求
// @scope.listings:write                     post and edit the app's org's offers and needs 发布、修改资源与需求
// @scope.claims:read                        read the claims of the app's org 读取认领
// @scope.claims:write                       claim, cancel, confirm and rate as the app's org 认领、取消、确认、评价
// @scope.events:read                        read the events feed of the app's org 读取事件流
// @scope.people:write                       register people in the app's org's community 登记个人
// @scope.people:act                         exchange a person's external id for a token acting as them 代个人操作
// @description                              Third-party apps (mini-programs) get a token with client credentials (RFC 6749 §4.4) at POST /api/v1/oauth/token; the token is then sent as a bearer token. Each operation apps may call names the scope it needs. The tokens are JWTs following RFC8725 (JSON Web Token Best Current Practices), as the bearer scheme's.
package api

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"golang.org/x/time/rate"

	"github.com/gongjian/gongjian/domain"
	"github.com/gongjian/gongjian/domain/people"
	"github.com/gongjian/gongjian/idempotency"
)

// Deps are the services the API serves. None may be nil.
type Deps struct {
	// TrustedProxies are the networks of reverse proxies whose X-Forwarded-For is believed; with
	// none, the client address is the peer's, so rate limits cannot be dodged with a header.
	TrustedProxies []*net.IPNet
	Log            *slog.Logger
	Tokens         TokenVerifier
	Auth           *domain.AuthService
	Directory      *domain.Directory
	Market         *domain.Marketplace
	Catalog        *domain.Catalog
	Clients        *domain.ClientService
	Idem           idempotency.Store
	// Now is the one clock (idempotency leases, default ranges); RequestTimeout bounds every
	// request end to end (GONGJIAN_REQUEST_TIMEOUT): its context ends then, and with it any
	// transaction that has not committed.
	Now            func() time.Time
	RequestTimeout time.Duration
	// Crash, for tests only, simulates a process dying at a named point of a request (see
	// idempotencyConfig.crash); nil in production.
	Crash func(point string) bool
	// Draining reports that the server is shutting down: /readyz answers 503 so that load
	// balancers stop sending before the listener closes. Nil means never.
	Draining func() bool
	// Ready reports whether the database answers (GET /readyz).
	Ready   func(ctx context.Context) error
	OpenAPI []byte
	// MetricsToken, when set, lets a scraper read /metrics with it as a bearer token.
	MetricsToken string
	// Feed and Stats serve the events feed and the statistics (API.md §8).
	Feed  *domain.Feed
	Stats *domain.Stats
	// Webhooks manages webhooks (API.md §8); the webhooks package delivers them.
	Webhooks *domain.WebhookService
	// People registers people and exchanges app credentials for person tokens (API.md §10).
	People *people.Service
	// Names names the ids of responses (API.md §1 "Names beside ids").
	Names *domain.Namer
	// Metrics are the series /metrics serves; a fresh set when nil. The caller keeps it to report
	// what happens outside requests (webhook deliveries, expiries) and to add collectors.
	Metrics *Metrics
}

// New builds the echo server with every route.
func New(d Deps) (*echo.Echo, error) {
	if d.Log == nil || d.Tokens == nil || d.Auth == nil || d.Directory == nil || d.Ready == nil ||
		d.Market == nil || d.Catalog == nil || d.Idem == nil || d.Clients == nil ||
		d.Feed == nil || d.Stats == nil || d.Webhooks == nil || d.Names == nil || d.People == nil || d.Now == nil || d.RequestTimeout <= 0 {
		return nil, errors.New("api: nil dependency")
	}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = errorHandler(d.Log)
	e.IPExtractor = ipExtractor(d.TrustedProxies)
	m := d.Metrics
	if m == nil {
		m = NewMetrics()
	}
	e.Use(requestID, accessLog(d.Log), m.observe, recoverer(d.Log), deadline(d.RequestTimeout), bodyLimit)

	e.GET("/healthz", health)
	e.GET("/metrics", m.handler(d.Tokens, d.Auth, d.MetricsToken))
	e.GET("/readyz", ready(d.Ready, d.Draining))
	mountDocs(e, d.OpenAPI)

	v1 := e.Group("/api/v1")
	// Apps get a bucket of their own, so that an app's backend and people logging in from behind
	// the same address do not spend each other's attempts. The token endpoint runs the input
	// gate itself, to answer in RFC 6749's terms.
	v1.POST("/oauth/token", oauthHandlers{svc: d.Clients, people: d.People}.token, loginLimiter())

	// Every other route passes the input gate before anything else reads the request.
	gated := v1.Group("", inputGate)
	auth := authHandlers{auth: d.Auth, dir: d.Directory, clients: d.Clients, people: d.People}
	limited := loginLimiter()
	gated.POST("/auth/login", auth.login, limited)
	gated.POST("/auth/refresh", auth.refresh, limited)

	p := gated.Group("", authenticate(d.Tokens, d.Auth))
	p.POST("/auth/logout", auth.logout)
	p.GET("/me", auth.me)

	idem := idempotencyConfig{store: d.Idem, log: d.Log, now: d.Now, lease: d.RequestTimeout + leaseMargin, crash: d.Crash}
	once := idempotent(idem)
	orgs := orgHandlers{dir: d.Directory, names: d.Names}
	p.POST("/orgs", orgs.create, once)
	p.GET("/orgs", orgs.list)
	p.GET("/orgs/:id", orgs.get)
	p.PATCH("/orgs/:id", orgs.update)

	users := userHandlers{dir: d.Directory}
	p.POST("/users", users.create, once)
	p.GET("/users", users.list)
	p.GET("/users/:id", users.get)
	p.PATCH("/users/:id", users.update)
	p.DELETE("/users/:id", users.deactivate)

	cats := categoryHandlers{catalog: d.Catalog, m: d.Market}
	p.GET("/categories", cats.list)
	p.POST("/categories", cats.create, once)

	apps := clientHandlers{svc: d.Clients, names: d.Names}
	// A replayed registration or rotation answers without the secret: it is shown only once.
	onceSecret := idempotent(idem, "client_secret")
	p.POST("/clients", apps.create, onceSecret)
	p.GET("/clients", apps.list)
	p.DELETE("/clients/:id", apps.revoke)
	p.POST("/clients/:id/rotate-secret", apps.rotateSecret, onceSecret)

	ls := listingHandlers{m: d.Market, names: d.Names}
	p.POST("/offers", ls.createOffer, once)
	p.GET("/offers", ls.listOffers)
	p.GET("/offers/:id", ls.getOffer)
	p.PATCH("/offers/:id", ls.updateOffer)
	p.GET("/offers/:id/availability", ls.availabilityOffer)
	p.POST("/needs", ls.createNeed, once)
	p.GET("/needs", ls.listNeeds)
	p.GET("/needs/:id", ls.getNeed)
	p.PATCH("/needs/:id", ls.updateNeed)
	p.GET("/needs/:id/availability", ls.availabilityNeed)

	ags := agreementHandlers{m: d.Market, names: d.Names}
	p.POST("/agreements", ags.create, once)
	p.GET("/agreements", ags.list)
	p.GET("/agreements/:id", ags.get)
	p.POST("/agreements/:id/sign", ags.sign)
	p.POST("/agreements/:id/terminate", ags.terminate)

	cls := claimHandlers{m: d.Market, names: d.Names}
	p.POST("/claims", cls.create, once)
	p.GET("/claims", cls.list)
	p.GET("/claims/:id", cls.get)
	p.POST("/claims/:id/approve", cls.approve)
	p.POST("/claims/:id/reject", cls.reject)
	p.POST("/claims/:id/cancel", cls.cancel)
	p.POST("/claims/:id/confirm", cls.confirm)
	p.POST("/claims/:id/feedback", cls.feedback)

	mh := matchingHandlers{m: d.Market, names: d.Names, claims: cls}
	p.GET("/needs/:id/suggestions", mh.needSuggestions)
	p.GET("/offers/:id/suggestions", mh.offerSuggestions)
	p.POST("/matching/runs", mh.createRun, once)
	p.GET("/matching/runs", mh.listRuns)
	p.GET("/matching/runs/:id", mh.getRun)
	p.POST("/matching/proposals/:id/accept", mh.acceptProposal, once)

	p.GET("/events", eventHandlers{feed: d.Feed}.list)
	hooks := webhookHandlers{svc: d.Webhooks, names: d.Names}
	// The signing secret is shown once: a replayed creation answers without it.
	p.POST("/webhooks", hooks.create, idempotent(idem, "secret"))
	p.GET("/webhooks", hooks.list)
	p.GET("/webhooks/:id", hooks.get)
	p.DELETE("/webhooks/:id", hooks.delete)
	p.GET("/webhooks/:id/deliveries", hooks.deliveries)

	p.GET("/stats/summary", statsHandlers{stats: d.Stats}.summary)
	mountPeople(p, d, once)
	return e, nil
}

// loginLimiter slows password guessing: per client IP, 2 requests a second with bursts of 30
// (an office behind one address logs in together; each account is also throttled on its own).
// It is per replica; a shared limiter belongs in the reverse proxy in front of several.
func loginLimiter() echo.MiddlewareFunc {
	return middleware.RateLimiterWithConfig(middleware.RateLimiterConfig{
		Store: middleware.NewRateLimiterMemoryStoreWithConfig(middleware.RateLimiterMemoryStoreConfig{
			Rate: rate.Limit(2), Burst: 30, ExpiresIn: 10 * time.Minute,
		}),
		DenyHandler: func(c echo.Context, _ string, _ error) error {
			c.Response().Header().Set("Retry-After", strconv.Itoa(1))
			return newProblem(http.StatusTooManyRequests, "rate_limited", "too many login attempts; retry later")
		},
		ErrorHandler: func(c echo.Context, err error) error {
			return newProblem(http.StatusTooManyRequests, "rate_limited", "too many login attempts; retry later")
		},
	})
}

// health godoc
// @Summary      Liveness
// @Description  200 while the process runs.
// @ID           healthz
// @Tags         operations
// @Produce      json
// @Success      200  {object}  StatusResponse
// @Router       /healthz [get]
func health(c echo.Context) error {
	return c.JSON(http.StatusOK, StatusResponse{Status: "ok"})
}

// StatusResponse is the answer of the probes.
type StatusResponse struct {
	Status string `json:"status" example:"ok"`
} // @name Status

// ready godoc
// @Summary      Readiness
// @Description  200 when the database answers, 503 otherwise.
// @ID           readyz
// @Tags         operations
// @Produce      json
// @Success      200  {object}  StatusResponse
// @Failure      503  {object}  Problem
// @Router       /readyz [get]
func ready(check func(ctx context.Context) error, draining func() bool) echo.HandlerFunc {
	return func(c echo.Context) error {
		if draining != nil && draining() {
			c.Response().Header().Set("Retry-After", "5")
			return newProblem(http.StatusServiceUnavailable, "unavailable", "the server is shutting down")
		}
		ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
		defer cancel()
		if err := check(ctx); err != nil {
			return fmt.Errorf("%w: readiness: %w", domain.ErrUnavailable, err)
		}
		return c.JSON(http.StatusOK, StatusResponse{Status: "ok"})
	}
}
