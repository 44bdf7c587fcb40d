package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/gongjian/gongjian/idempotency"
)

// redactJSON drops the named top-level fields of a successful JSON object body.
func redactJSON(body []byte, status int, fields []string) []byte {
	if len(fields) == 0 || status >= 300 {
		return body
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(body, &obj) != nil {
		return body
	}
	for _, f := range fields {
		delete(obj, f)
	}
	out, err := json.Marshal(obj)
	if err != nil {
		return body
	}
	return out
}

// recorder tees what a handler writes so it can be stored.
type recorder struct {
	http.ResponseWriter
	buf bytes.Buffer
}

func (r *recorder) Write(p []byte) (int, error) {
	r.buf.Write(p)
	return r.ResponseWriter.Write(p)
}

// idempotencyConfig is what the middleware needs besides its store.
type idempotencyConfig struct {
	store idempotency.Store
	log   *slog.Logger
	now   func() time.Time
	// lease is how long a reservation holds its key: the request deadline plus a margin, so a
	// request that is still allowed to commit never loses its key.
	lease time.Duration
	// crash, set by tests only, is called at the named points ("reserved", "committed"); when
	// it returns true the request ends there as if the process had died: no answer, no cleanup.
	crash func(point string) bool
}

// errCrashed ends a request at a simulated crash point (see idempotencyConfig.crash).
type errCrashed struct{}

// idempotent implements Idempotency-Key on creating POSTs (API.md §1 and package idempotency):
// the first answer (status and body) is stored per caller and key and replayed for the same
// request; the same key with another body is 422 idempotency_key_reused; a second request while
// the first still runs is 409 conflict with Retry-After (its lease's end). Server errors release
// the key, so a retry runs again.
//
// When the first request committed its resource but died before its answer was stored, the
// replay is the resource as it reads now (GET of the reference its transaction recorded), with
// the creating status.
//
// redact names top-level fields of a success body that are not stored, and so not replayed:
// secrets shown once (a client_secret) must not rest in the database for the retention period.
func idempotent(cfg idempotencyConfig, redact ...string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			key := c.Request().Header.Get("Idempotency-Key")
			if key == "" {
				return next(c)
			}
			if len(key) > 255 {
				return fieldProblem(http.StatusUnprocessableEntity, "Idempotency-Key", "too_long", "Idempotency-Key must be at most 255 characters")
			}
			r := c.Request()
			body, err := io.ReadAll(r.Body)
			if err != nil {
				return newProblem(http.StatusRequestEntityTooLarge, "payload_too_large", "the request body must not exceed 1 MiB")
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
			sum := sha256.New()
			sum.Write([]byte(r.Method + " " + r.URL.Path + "\n"))
			sum.Write(body)
			hash := hex.EncodeToString(sum.Sum(nil))
			owner := principal(c).ActorID()
			ctx := r.Context()

			now := cfg.now()
			res, err := cfg.store.Reserve(ctx, owner, key, hash, now, cfg.lease)
			if err != nil {
				return err
			}
			switch res.Outcome {
			case idempotency.Mismatch:
				return newProblem(http.StatusUnprocessableEntity, "idempotency_key_reused", "this Idempotency-Key was used with a different request")
			case idempotency.InProgress:
				wait := max(1, int(res.Record.LeaseUntil.Sub(now).Seconds()+0.999))
				c.Response().Header().Set("Retry-After", strconv.Itoa(wait))
				return newProblem(http.StatusConflict, "conflict", "a request with this Idempotency-Key is still being processed")
			case idempotency.Replay:
				return replay(c, res.Record)
			}
			ticket := idempotency.Ticket{Owner: owner, Key: key, Token: res.Token}
			c.SetRequest(r.WithContext(idempotency.WithTicket(ctx, ticket)))
			if cfg.crash != nil && cfg.crash("reserved") {
				panic(errCrashed{})
			}
			rec := &recorder{ResponseWriter: c.Response().Writer}
			c.Response().Writer = rec
			// Store with a fresh context: the client may have gone, the answer must still be kept.
			bg := context.WithoutCancel(ctx)
			defer func() {
				if r := recover(); r != nil {
					if _, crashed := r.(errCrashed); !crashed {
						_ = cfg.store.Release(bg, owner, key, res.Token) // a retry must be able to run again
					}
					panic(r)
				}
			}()
			if err := next(c); err != nil {
				c.Error(err)
			}
			status := c.Response().Status
			if cfg.crash != nil && cfg.crash("committed") {
				panic(errCrashed{})
			}
			if status >= 500 || status == http.StatusTooManyRequests || status == http.StatusUnauthorized {
				err = cfg.store.Release(bg, owner, key, res.Token)
			} else {
				err = cfg.store.Finish(bg, owner, key, res.Token, status, redactJSON(rec.buf.Bytes(), status, redact))
			}
			if err != nil {
				cfg.log.Error("idempotency store", "err", err, "request_id", c.Response().Header().Get(echo.HeaderXRequestID))
			}
			return nil
		}
	}
}

// replay answers with a stored response, or, when only the committed resource is known, with
// that resource read through the API as the same caller.
func replay(c echo.Context, rec idempotency.Record) error {
	c.Response().Header().Set("Idempotent-Replayed", "true")
	if rec.Status != 0 {
		ct := echo.MIMEApplicationJSON
		if rec.Status >= 400 {
			ct = "application/problem+json"
		}
		return c.Blob(rec.Status, ct, rec.Body)
	}
	get := c.Request().Clone(context.WithoutCancel(c.Request().Context()))
	get.Method, get.Body, get.ContentLength = http.MethodGet, http.NoBody, 0
	get.URL.Path, get.URL.RawPath, get.URL.RawQuery = "/api/v1/"+rec.Ref, "", ""
	get.RequestURI = get.URL.RequestURI()
	get.Header.Del("Idempotency-Key")
	w := httptest.NewRecorder()
	c.Echo().ServeHTTP(w, get)
	if w.Code != http.StatusOK {
		// The resource is gone (or no longer visible): say where it was rather than run again.
		c.Response().Header().Set(echo.HeaderLocation, "/api/v1/"+rec.Ref)
		return newProblem(http.StatusConflict, "conflict", "the request with this Idempotency-Key completed, but its resource can no longer be read")
	}
	if etag := w.Header().Get("ETag"); etag != "" {
		c.Response().Header().Set("ETag", etag)
	}
	c.Response().Header().Set(echo.HeaderLocation, "/api/v1/"+rec.Ref)
	return c.Blob(http.StatusCreated, echo.MIMEApplicationJSON, w.Body.Bytes())
}
