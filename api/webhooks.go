package api

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/gongjian/gongjian/domain"
)

// WebhookRequest creates a webhook.
type WebhookRequest struct {
	// URL receives the deliveries: absolute https, at most 2048 characters, no user info, and
	// resolving to public addresses only.
	URL    *string  `json:"url" example:"https://example.com/hooks/gongjian"`
	Events []string `json:"events" enums:"listing.created,listing.updated,agreement.activated,agreement.terminated,claim.created,claim.approved,claim.rejected,claim.cancelled,claim.expired,claim.fulfilled,person.registered,person.verified,pass.issued,pass.revoked" example:"claim.created,claim.approved"`
} // @name WebhookRequest

// WebhookResponse is a webhook. Its secret is shown only at creation (WebhookWithSecret).
type WebhookResponse struct {
	ID     string   `json:"id"`
	URL    string   `json:"url" example:"https://example.com/hooks/gongjian"`
	Events []string `json:"events" enums:"listing.created,listing.updated,agreement.activated,agreement.terminated,claim.created,claim.approved,claim.rejected,claim.cancelled,claim.expired,claim.fulfilled,person.registered,person.verified,pass.issued,pass.revoked" example:"claim.created,claim.approved"`
	// StreetID and OrgID are the part of the feed delivered, fixed at creation from the
	// creator's rights: a street (coordinators), an org (staff, liaison officers, apps), or
	// neither (admins: every event).
	StreetID   *string   `json:"street_id"`
	StreetName *string   `json:"street_name" example:"五星街道"`
	OrgID      *string   `json:"org_id"`
	OrgName    *string   `json:"org_name" example:"五星社区"`
	CreatedBy  string    `json:"created_by"`
	CreatedAt  time.Time `json:"created_at"`
} // @name Webhook

// WebhookSecretResponse is a new webhook with its signing secret, shown once.
type WebhookSecretResponse struct {
	WebhookResponse
	// Secret is the HMAC-SHA256 key of Gongjian-Signature. Store it now: it is never shown again
	// (an Idempotency-Key replay answers without it).
	Secret string `json:"secret,omitempty" example:"gjwh_q3Jr2m4Yb8kP0vXo6tWz1nLc5hAe7uGs9dFi2jKl3xM"`
} // @name WebhookWithSecret

// WebhookList is a page of webhooks.
type WebhookList = List[WebhookResponse] // @name WebhookList

// DeliveryResponse is a delivery of one event to a webhook, as of its latest attempt.
type DeliveryResponse struct {
	ID        string `json:"id"`
	EventID   string `json:"event_id"`
	EventType string `json:"event_type" example:"claim.approved"`
	// Attempt is the number of attempts made so far.
	Attempt int    `json:"attempt" example:"1"`
	Status  string `json:"status" enums:"pending,failed,succeeded,abandoned" example:"succeeded"`
	// ResponseStatus is the receiver's HTTP status in the latest attempt; null before the first
	// attempt or when no response came (see error).
	ResponseStatus *int `json:"response_status" example:"200"`
	// Error describes the latest failed attempt ("" after a success).
	Error string `json:"error" example:""`
	// NextAttemptAt is when the delivery is (or was last) due.
	NextAttemptAt time.Time  `json:"next_attempt_at"`
	CreatedAt     time.Time  `json:"created_at"`
	DeliveredAt   *time.Time `json:"delivered_at"`
	// Attempts lists every attempt, oldest first.
	Attempts []AttemptResponse `json:"attempts"`
} // @name WebhookDelivery

// AttemptResponse is one attempt to send a delivery.
type AttemptResponse struct {
	Attempt int       `json:"attempt" example:"1"`
	At      time.Time `json:"at"`
	// ResponseStatus is the receiver's HTTP status; null when there was no answer.
	ResponseStatus *int   `json:"response_status" example:"500"`
	Error          string `json:"error" example:"receiver answered 500"`
} // @name WebhookDeliveryAttempt

// DeliveryList is a page of deliveries.
type DeliveryList = List[DeliveryResponse] // @name WebhookDeliveryList

func webhookResponse(w domain.Webhook, n domain.Names) WebhookResponse {
	return WebhookResponse{
		ID: w.ID, URL: w.URL, Events: w.Events, StreetID: optString(w.StreetID), StreetName: n.Org(w.StreetID),
		OrgID: optString(w.OrgID), OrgName: n.Org(w.OrgID),
		CreatedBy: w.CreatedBy, CreatedAt: w.CreatedAt,
	}
}

func deliveryResponse(d domain.Delivery) DeliveryResponse {
	r := DeliveryResponse{
		ID: d.ID, EventID: d.EventID, EventType: d.EventType, Attempt: d.Attempt, Status: string(d.Status),
		Error: d.Error, NextAttemptAt: d.NextAttemptAt, CreatedAt: d.CreatedAt, DeliveredAt: d.DeliveredAt,
	}
	if d.ResponseStatus != 0 {
		r.ResponseStatus = &d.ResponseStatus
	}
	r.Attempts = make([]AttemptResponse, len(d.Attempts))
	for i, a := range d.Attempts {
		r.Attempts[i] = AttemptResponse{Attempt: a.Attempt, At: a.At, Error: a.Error}
		if a.ResponseStatus != 0 {
			status := a.ResponseStatus
			r.Attempts[i].ResponseStatus = &status
		}
	}
	return r
}

func optString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

type webhookHandlers struct {
	svc   *domain.WebhookService
	names *domain.Namer
}

// named names the orgs of webhooks in one query.
func (h webhookHandlers) named(c echo.Context, ws ...domain.Webhook) (domain.Names, error) {
	return names(c, h.names, func(r *domain.NameRefs) {
		for _, w := range ws {
			r.Org(w.StreetID, w.OrgID)
		}
	})
}

// create godoc
// @Summary      Create a webhook
// @Description  Admins, coordinators, community staff, liaison officers and apps with events:read. The webhook receives the events of the listed types that its creator may read from GET /events (admins: all; coordinators: their street; staff, liaison officers and apps: their org), from its creation on, each as a POST whose body is the event as GET /events lists it, with headers Gongjian-Event (the type), Gongjian-Delivery (the delivery id, the same on every retry) and Gongjian-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>. A receiver should check the signature and that t is recent, and answer 2xx within 10 s; any other answer, a redirect included, is retried with exponential back-off (30 s doubling up to 1 h, with jitter) for 24 h after the first attempt, then abandoned. The secret is in this response only; a replay with the same Idempotency-Key leaves it out. URLs must be https and must not resolve to loopback, private (RFC 1918, RFC 4193), link-local, unspecified, multicast or carrier-grade NAT addresses (422, code private_address on field url); the address is checked again at every connection. A server started with GONGJIAN_WEBHOOK_ALLOW_PRIVATE=true (local development) accepts http and private addresses.
// @ID           createWebhook
// @Tags         webhooks
// @Accept       json
// @Produce      json
// @Param        Idempotency-Key  header    string          false  "makes a retry return the first response (without the secret)"
// @Param        body             body      WebhookRequest  true   "the webhook"
// @Success      201              {object}  WebhookSecretResponse
// @Failure      400              {object}  Problem
// @Failure      401              {object}  Problem
// @Failure      403              {object}  Problem
// @Failure      422              {object}  Problem
// @Security     bearer
// @Security     oauth2
// @x-webhook-delivery  {"schema": "Event"}
// @Router       /webhooks [post]
func (h webhookHandlers) create(c echo.Context) error {
	var req WebhookRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	w, err := h.svc.Create(c.Request().Context(), principal(c), domain.WebhookInput{URL: req.URL, Events: req.Events})
	if err != nil {
		return err
	}
	noStore(c)
	n, err := h.named(c, w)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, WebhookSecretResponse{WebhookResponse: webhookResponse(w, n), Secret: w.Secret})
}

// list godoc
// @Summary      List webhooks
// @Description  The caller's own webhooks; every webhook for admins. Deleted webhooks are not listed. Secrets are never shown.
// @ID           listWebhooks
// @Tags         webhooks
// @Produce      json
// @Param        limit   query     int     false  "page size (1–100, default 20)"  minimum(1)  maximum(100)  default(20)
// @Param        cursor  query     string  false  "next_cursor of the previous page"
// @Success      200     {object}  WebhookList
// @Failure      401     {object}  Problem
// @Failure      403     {object}  Problem
// @Failure      422     {object}  Problem
// @Security     bearer
// @Security     oauth2
// @Router       /webhooks [get]
func (h webhookHandlers) list(c echo.Context) error {
	pg, err := pageParams(c)
	if err != nil {
		return err
	}
	ws, err := h.svc.List(c.Request().Context(), principal(c), pg)
	if err != nil {
		return err
	}
	ws, last := domain.Paginate(ws, pg.Limit, func(w domain.Webhook) string { return w.ID })
	n, err := h.named(c, ws...)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, listPage(ws, last, func(w domain.Webhook) WebhookResponse { return webhookResponse(w, n) }))
}

// get godoc
// @Summary      Get a webhook
// @Description  Its creator and admins; anyone else gets 404. The secret is not shown.
// @ID           getWebhook
// @Tags         webhooks
// @Produce      json
// @Param        id   path      string  true  "webhook id"
// @Success      200  {object}  WebhookResponse
// @Failure      401  {object}  Problem
// @Failure      404  {object}  Problem
// @Failure      422  {object}  Problem
// @Security     bearer
// @Security     oauth2
// @Router       /webhooks/{id} [get]
func (h webhookHandlers) get(c echo.Context) error {
	w, err := h.svc.Get(c.Request().Context(), principal(c), c.Param("id"))
	if err != nil {
		return err
	}
	n, err := h.named(c, w)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, webhookResponse(w, n))
}

// delete godoc
// @Summary      Delete a webhook
// @Description  Its creator and admins. Nothing more is sent to it, retries included: deliveries still due become abandoned. The webhook is then 404.
// @ID           deleteWebhook
// @Tags         webhooks
// @Param        id   path  string  true  "webhook id"
// @Success      204
// @Failure      401  {object}  Problem
// @Failure      404  {object}  Problem
// @Failure      422  {object}  Problem
// @Security     bearer
// @Security     oauth2
// @Router       /webhooks/{id} [delete]
func (h webhookHandlers) delete(c echo.Context) error {
	if err := h.svc.Delete(c.Request().Context(), principal(c), c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// deliveries godoc
// @Summary      List a webhook's deliveries
// @Description  Its creator and admins. One item per event sent to the webhook, oldest first, with every attempt made (attempts, oldest first) and its state as of the latest one: status pending (not yet attempted), failed (the latest attempt failed; retried at next_attempt_at), succeeded or abandoned (retries ran out after 24 h, or the webhook was deleted).
// @ID           listWebhookDeliveries
// @Tags         webhooks
// @Produce      json
// @Param        id      path      string  true   "webhook id"
// @Param        limit   query     int     false  "page size (1–100, default 20)"  minimum(1)  maximum(100)  default(20)
// @Param        cursor  query     string  false  "next_cursor of the previous page"
// @Success      200     {object}  DeliveryList
// @Failure      401     {object}  Problem
// @Failure      404     {object}  Problem
// @Failure      422     {object}  Problem
// @Security     bearer
// @Security     oauth2
// @Router       /webhooks/{id}/deliveries [get]
func (h webhookHandlers) deliveries(c echo.Context) error {
	pg, err := pageParams(c)
	if err != nil {
		return err
	}
	ds, err := h.svc.Deliveries(c.Request().Context(), principal(c), c.Param("id"), pg)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, listOf(ds, pg.Limit, func(d domain.Delivery) string { return d.ID }, deliveryResponse))
}
