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
	"time"

	"github.com/labstack/echo/v4"

	"github.com/gongjian/gongjian/repository"
)

// IdempotencyStore remembers responses per caller and key; repository.Idempotency implements it.
type IdempotencyStore interface {
	Begin(ctx context.Context, owner, key, hash string, now time.Time, ttl time.Duration) (repository.StoredResponse, bool, error)
	Finish(ctx context.Context, owner, key string, status int, body []byte) error
	Abandon(ctx context.Context, owner, key string) error
}

// IdempotencyTTL is how long keys are kept (API.md §1: at least 24 h).
const IdempotencyTTL = 48 * time.Hour

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

// idempotent implements Idempotency-Key on creating POSTs: the first response (status and body)
// is stored per caller and key and replayed for the same request; the same key with another body
// is 422 idempotency_key_reused; a second request while the first still runs is 409 conflict.
// Server errors are not stored, so a retry after one runs again.
//
// redact names top-level fields of a success body that are not stored, and so not replayed:
// secrets shown once (a client_secret) must not rest in the database for the retention period.
func idempotent(store IdempotencyStore, log *slog.Logger, redact ...string) echo.MiddlewareFunc {
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

			stored, fresh, err := store.Begin(ctx, owner, key, hash, time.Now(), IdempotencyTTL)
			if err != nil {
				return err
			}
			if !fresh {
				switch {
				case stored.RequestHash != hash:
					return newProblem(http.StatusUnprocessableEntity, "idempotency_key_reused", "this Idempotency-Key was used with a different request")
				case stored.Status == 0:
					return newProblem(http.StatusConflict, "conflict", "a request with this Idempotency-Key is still being processed")
				}
				ct := echo.MIMEApplicationJSON
				if stored.Status >= 400 {
					ct = "application/problem+json"
				}
				c.Response().Header().Set("Idempotent-Replayed", "true")
				return c.Blob(stored.Status, ct, stored.Body)
			}
			rec := &recorder{ResponseWriter: c.Response().Writer}
			c.Response().Writer = rec
			// Store with a fresh context: the client may have gone, the answer must still be kept.
			bg := context.WithoutCancel(ctx)
			defer func() {
				if r := recover(); r != nil {
					_ = store.Abandon(bg, owner, key) // a retry must be able to run again
					panic(r)
				}
			}()
			if err := next(c); err != nil {
				c.Error(err)
			}
			status := c.Response().Status
			if status >= 500 || status == http.StatusTooManyRequests || status == http.StatusUnauthorized {
				err = store.Abandon(bg, owner, key)
			} else {
				err = store.Finish(bg, owner, key, status, redactJSON(rec.buf.Bytes(), status, redact))
			}
			if err != nil {
				log.Error("idempotency store", "err", err, "request_id", c.Response().Header().Get(echo.HeaderXRequestID))
			}
			return nil
		}
	}
}
