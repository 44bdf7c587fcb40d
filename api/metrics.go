package api

import (
	"crypto/subtle"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/gongjian/gongjian/domain"
)

// Metrics are the Prometheus series of one server. Each server has its own registry, so tests
// can build many servers in one process. The domain knows nothing of them: claim outcomes are
// read off the HTTP layer (route, status and problem code), and the jobs that run outside a
// request (webhook delivery, the expiry sweeper) report through the small methods below.
type Metrics struct {
	registry   *prometheus.Registry
	requests   *prometheus.CounterVec
	duration   *prometheus.HistogramVec
	problems   *prometheus.CounterVec
	claims     *prometheus.CounterVec
	capacity   *prometheus.CounterVec
	replays    *prometheus.CounterVec
	deliveries *prometheus.CounterVec
}

// NewMetrics returns a fresh set of series with the Go runtime and process collectors.
func NewMetrics() *Metrics {
	m := &Metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gongjian_http_requests_total", Help: "HTTP requests by method, route pattern and status.",
		}, []string{"method", "route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "gongjian_http_request_duration_seconds", Help: "HTTP request latency by method, route pattern and status.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .15, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"method", "route", "status"}),
		problems: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gongjian_http_problems_total", Help: "Problem answers (RFC 9457) by route pattern and stable problem code.",
		}, []string{"route", "code"}),
		claims: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gongjian_claim_actions_total",
			Help: "Claim actions by action (create, approve, reject, cancel, confirm, feedback, accept_proposal, expire) and outcome (ok, or the problem code of a refusal). Idempotent replays are not counted.",
		}, []string{"action", "outcome"}),
		capacity: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gongjian_capacity_conflicts_total",
			Help: "Claims refused because an occurrence was full (limit=listing, capacity_exceeded) or the claimant held its maximum (limit=claimant, claimant_limit_exceeded).",
		}, []string{"limit"}),
		replays: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gongjian_idempotency_replays_total", Help: "Requests answered from a stored Idempotency-Key response, by route pattern.",
		}, []string{"route"}),
		deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gongjian_webhook_deliveries_total",
			Help: "Webhook delivery attempts by result: succeeded, retry (failed, will be retried) or abandoned (failed for the last time).",
		}, []string{"result"}),
	}
	m.registry.MustRegister(m.requests, m.duration, m.problems, m.claims, m.capacity, m.replays, m.deliveries,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	// Series that an operator alerts on exist from the start, at zero.
	for _, l := range []string{"listing", "claimant"} {
		m.capacity.WithLabelValues(l)
	}
	for _, r := range []string{"succeeded", "retry", "abandoned"} {
		m.deliveries.WithLabelValues(r)
	}
	return m
}

// Register adds collectors, such as the database pool's (collectors.NewDBStatsCollector).
func (m *Metrics) Register(cs ...prometheus.Collector) error {
	for _, c := range cs {
		if err := m.registry.Register(c); err != nil {
			return err
		}
	}
	return nil
}

// WebhookDelivery counts one delivery attempt by the delivery's status after it.
func (m *Metrics) WebhookDelivery(status domain.DeliveryStatus) {
	result := string(status)
	if status == domain.DeliveryPending || status == domain.DeliveryFailed {
		result = "retry"
	}
	m.deliveries.WithLabelValues(result).Inc()
}

// ClaimsExpired counts claims whose expiry the sweeper recorded.
func (m *Metrics) ClaimsExpired(n int) {
	if n > 0 {
		m.claims.WithLabelValues("expire", "ok").Add(float64(n))
	}
}

// ctxProblemCode is where writeProblem leaves the code it sent, for observe.
const ctxProblemCode = "problem_code"

// claimAction names the claim action a route performs, or "".
func claimAction(method, route string) string {
	if method != http.MethodPost {
		return ""
	}
	switch route {
	case "/api/v1/claims":
		return "create"
	case "/api/v1/matching/proposals/:id/accept":
		return "accept_proposal"
	}
	if a, ok := strings.CutPrefix(route, "/api/v1/claims/:id/"); ok {
		switch a {
		case "approve", "reject", "cancel", "confirm", "feedback":
			return a
		}
	}
	return ""
}

// observe records every request under its route pattern (never the raw path, whose ids would
// make the series unbounded).
func (m *Metrics) observe(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			c.Error(err)
		}
		route := c.Path()
		if route == "" {
			route = "unmatched"
		}
		method := c.Request().Method
		status := strconv.Itoa(c.Response().Status)
		m.requests.WithLabelValues(method, route, status).Inc()
		m.duration.WithLabelValues(method, route, status).Observe(time.Since(start).Seconds())
		code, _ := c.Get(ctxProblemCode).(string)
		if code != "" {
			m.problems.WithLabelValues(route, code).Inc()
		}
		if c.Response().Header().Get("Idempotent-Replayed") == "true" {
			m.replays.WithLabelValues(route).Inc()
			return nil // what it answers was counted when it first ran
		}
		if action := claimAction(method, route); action != "" {
			outcome := "ok"
			if c.Response().Status >= 300 {
				outcome = or(code, "status_"+status)
			}
			m.claims.WithLabelValues(action, outcome).Inc()
			switch code {
			case "capacity_exceeded":
				m.capacity.WithLabelValues("listing").Inc()
			case "claimant_limit_exceeded":
				m.capacity.WithLabelValues("claimant").Inc()
			}
		}
		return nil
	}
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// handler serves /metrics to admins, or to a scraper presenting the configured metrics token.
//
// @Summary      Prometheus metrics
// @Description  Request counts and latency histograms by route and status, problem answers by code, claim actions by outcome, capacity conflicts, idempotency replays, webhook deliveries by result, the database pool (in use, idle, waits), Go runtime and process metrics, in the Prometheus text format. For admins, or for a scraper sending the token configured in GONGJIAN_METRICS_TOKEN as a bearer token.
// @ID           metrics
// @Tags         operations
// @Produce      plain
// @Success      200  {string}  string  "Prometheus text exposition format"
// @Failure      401  {object}  Problem
// @Failure      403  {object}  Problem
// @Security     bearer
// @Router       /metrics [get]
func (m *Metrics) handler(tokens TokenVerifier, auth Authenticator, scrapeToken string) echo.HandlerFunc {
	serve := echo.WrapHandler(promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{}))
	authed := authenticate(tokens, auth)(func(c echo.Context) error {
		if !principal(c).IsAdmin() {
			return domain.ErrForbidden
		}
		return serve(c)
	})
	return func(c echo.Context) error {
		if scrapeToken != "" {
			got, ok := strings.CutPrefix(c.Request().Header.Get(echo.HeaderAuthorization), "Bearer ")
			if ok && subtle.ConstantTimeCompare([]byte(got), []byte(scrapeToken)) == 1 {
				return serve(c)
			}
		}
		return authed(c)
	}
}
