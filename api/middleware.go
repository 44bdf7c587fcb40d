package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/gongjian/gongjian/domain"
)

// Context keys.
const (
	ctxPrincipal = "principal"
	ctxBody      = "raw_body"
)

// requestID takes a sane X-Request-ID from the client or makes one, and echoes it back.
func requestID(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		rid := c.Request().Header.Get(echo.HeaderXRequestID)
		if rid == "" || len(rid) > 128 || strings.ContainsAny(rid, "\r\n\t ") || !cleanText(rid) {
			b := make([]byte, 12)
			_, _ = rand.Read(b)
			rid = hex.EncodeToString(b)
		}
		c.Response().Header().Set(echo.HeaderXRequestID, rid)
		return next(c)
	}
}

// accessLog logs one line per request. It logs the route pattern and never headers or bodies,
// so tokens and passwords cannot end up in logs.
func accessLog(log *slog.Logger) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			start := time.Now()
			err := next(c)
			if err != nil {
				c.Error(err)
			}
			status := c.Response().Status
			level := slog.LevelInfo
			if status >= 500 {
				level = slog.LevelError
			}
			log.Log(c.Request().Context(), level, "request",
				"request_id", c.Response().Header().Get(echo.HeaderXRequestID),
				"method", c.Request().Method, "route", c.Path(), "status", status,
				"bytes", c.Response().Size, "ms", float64(time.Since(start).Microseconds())/1000)
			return nil
		}
	}
}

// recoverer turns a panic into a logged internal error instead of a dropped connection.
func recoverer(log *slog.Logger) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) (err error) {
			defer func() {
				if r := recover(); r != nil {
					if r == http.ErrAbortHandler {
						panic(r)
					}
					if _, crashed := r.(errCrashed); crashed {
						panic(http.ErrAbortHandler) // a simulated crash: no answer at all
					}
					log.Error("panic", "request_id", c.Response().Header().Get(echo.HeaderXRequestID),
						"panic", fmt.Sprint(r), "stack", string(debug.Stack()))
					err = fmt.Errorf("panic: %v", r)
				}
			}()
			return next(c)
		}
	}
}

// leaseMargin is how much longer than a request's deadline its idempotency lease lasts: by then
// the request has answered or its transaction has rolled back.
const leaseMargin = 5 * time.Second

// deadline bounds every request (API.md §1): its context ends after timeout, which cancels the
// statement or lock wait in progress and rolls back a transaction that has not committed; the
// error handler answers 503 unavailable with Retry-After.
func deadline(timeout time.Duration) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			ctx, cancel := context.WithTimeout(c.Request().Context(), timeout)
			defer cancel()
			c.SetRequest(c.Request().WithContext(ctx))
			return next(c)
		}
	}
}

// bodyLimit refuses bodies over maxBody: at once when Content-Length says so, and while reading
// otherwise (decodeJSON turns the read error into 413).
func bodyLimit(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if r.ContentLength > maxBody {
			return newProblem(http.StatusRequestEntityTooLarge, "payload_too_large", "the request body must not exceed 1 MiB")
		}
		r.Body = http.MaxBytesReader(c.Response(), r.Body, maxBody)
		return next(c)
	}
}

// TokenVerifier checks an access token and returns what it asserts; tokens.JWTs is one.
type TokenVerifier interface {
	Verify(ctx context.Context, token string) (domain.AccessClaims, error)
}

// Authenticator resolves verified token claims to a principal.
type Authenticator interface {
	Principal(ctx context.Context, c domain.AccessClaims) (domain.Principal, error)
}

// authenticate requires a valid bearer token and stores the principal in the context.
func authenticate(tokens TokenVerifier, auth Authenticator) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			h := c.Request().Header.Get(echo.HeaderAuthorization)
			scheme, token, ok := strings.Cut(h, " ")
			if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
				c.Response().Header().Set(echo.HeaderWWWAuthenticate, `Bearer realm="gongjian"`)
				return domain.ErrUnauthenticated
			}
			claims, err := tokens.Verify(c.Request().Context(), strings.TrimSpace(token))
			if err != nil {
				c.Response().Header().Set(echo.HeaderWWWAuthenticate, `Bearer realm="gongjian", error="invalid_token"`)
				return domain.ErrUnauthenticated
			}
			p, err := auth.Principal(c.Request().Context(), claims)
			if err != nil {
				return err
			}
			c.Set(ctxPrincipal, p)
			return next(c)
		}
	}
}

func principal(c echo.Context) domain.Principal {
	p, _ := c.Get(ctxPrincipal).(domain.Principal)
	return p
}

// setETag sends the resource version as a strong entity tag.
func setETag(c echo.Context, version int64) {
	c.Response().Header().Set("ETag", `"`+strconv.FormatInt(version, 10)+`"`)
}

// ifMatch reads If-Match: 0 when absent or "*", the version otherwise.
func ifMatch(c echo.Context) (int64, error) {
	h := strings.TrimSpace(c.Request().Header.Get("If-Match"))
	if h == "" || h == "*" {
		return 0, nil
	}
	v, err := strconv.ParseInt(strings.Trim(strings.TrimPrefix(h, "W/"), `"`), 10, 64)
	if err != nil || v < 1 {
		return 0, domain.ErrVersionMismatch
	}
	return v, nil
}
