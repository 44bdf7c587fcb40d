package api

import (
	"crypto/subtle"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/gongjian/gongjian/domain"
)

// metrics are the Prometheus series of one server. Each server has its own registry, so tests
// can build many servers in one process.
type metrics struct {
	registry *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newMetrics() *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gongjian_http_requests_total", Help: "HTTP requests by method, route pattern and status.",
		}, []string{"method", "route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "gongjian_http_request_duration_seconds", Help: "HTTP request latency by method and route pattern.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"method", "route"}),
	}
	m.registry.MustRegister(m.requests, m.duration, collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// observe records every request under its route pattern (never the raw path, whose ids would
// make the series unbounded).
func (m *metrics) observe(next echo.HandlerFunc) echo.HandlerFunc {
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
		m.requests.WithLabelValues(c.Request().Method, route, strconv.Itoa(c.Response().Status)).Inc()
		m.duration.WithLabelValues(c.Request().Method, route).Observe(time.Since(start).Seconds())
		return nil
	}
}

// handler serves /metrics to admins, or to a scraper presenting the configured metrics token.
//
// @Summary      Prometheus metrics
// @Description  Request counts and latencies by route, Go runtime and process metrics, in the Prometheus text format. For admins, or for a scraper sending the token configured in GONGJIAN_METRICS_TOKEN as a bearer token.
// @ID           metrics
// @Tags         operations
// @Produce      plain
// @Success      200  {string}  string  "Prometheus text exposition format"
// @Failure      401  {object}  Problem
// @Failure      403  {object}  Problem
// @Security     bearer
// @Router       /metrics [get]
func (m *metrics) handler(tokens TokenVerifier, auth Authenticator, scrapeToken string) echo.HandlerFunc {
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
