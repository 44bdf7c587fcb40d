package main

import (
	"fmt"

	"github.com/getkin/kin-openapi/openapi3"
)

// deliveryMark is the operation extension (swag: @x-webhook-delivery {"schema": "Event"}) of an
// operation that registers a webhook: the document then describes, as its callback, the POST
// that each delivery makes to the registered URL, whose body is the named schema.
const deliveryMark = "x-webhook-delivery"

// declareCallbacks turns each x-webhook-delivery mark into a callback "delivery" on the URL of
// the request body.
func declareCallbacks(doc *openapi3.T) error {
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			mark, ok := op.Extensions[deliveryMark]
			if !ok {
				continue
			}
			delete(op.Extensions, deliveryMark)
			m, _ := mark.(map[string]any)
			schema, _ := m["schema"].(string)
			if doc.Components.Schemas[schema] == nil {
				return fmt.Errorf("%s %s: %s names no schema (%v)", method, path, deliveryMark, mark)
			}
			op.Callbacks = openapi3.Callbacks{"delivery": &openapi3.CallbackRef{Value: delivery(schema)}}
		}
	}
	return nil
}

func delivery(schema string) *openapi3.Callback {
	header := func(name, desc string, s *openapi3.Schema) *openapi3.ParameterRef {
		return &openapi3.ParameterRef{Value: &openapi3.Parameter{Name: name, In: "header", Required: true, Description: desc, Schema: s.NewRef()}}
	}
	sig := openapi3.NewStringSchema()
	sig.Pattern = `^t=[0-9]+,v1=[0-9a-f]{64}$`
	sig.Example = "t=1767225600,v1=5f1c0c5e3c6a1c2b9a1d4e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b"
	body := openapi3.NewRequestBody().WithRequired(true).WithDescription("The event, exactly as GET /api/v1/events lists it.").
		WithJSONSchemaRef(openapi3.NewSchemaRef("#/components/schemas/"+schema, nil))
	responses := openapi3.NewResponses()
	responses.Delete("default")
	responses.Set("2XX", &openapi3.ResponseRef{Value: openapi3.NewResponse().WithDescription(
		"Any 2xx acknowledges the delivery. Anything else, a redirect, or no answer within 10 s is a failed attempt, retried with exponential back-off for 24 h.")})
	op := &openapi3.Operation{
		OperationID: "deliverWebhookEvent",
		Summary:     "A delivery of one event to the webhook's URL",
		Description: "Sent by the service, not called by clients. Verify Gongjian-Signature before trusting the body: v1 is hex(HMAC-SHA256(secret, \"<t>.<body>\")) with the webhook's secret and t the Unix time in seconds it was signed at; refuse a t far from your clock. The same event can arrive more than once (Gongjian-Delivery stays the same for its retries): deduplicate by the event's id.",
		Tags:        []string{"webhooks"},
		Parameters: openapi3.Parameters{
			header("Gongjian-Signature", "t=<unix seconds>,v1=<hex HMAC-SHA256(secret, \"<t>.<body>\")>", sig),
			header("Gongjian-Event", "The event's type.", openapi3.NewStringSchema()),
			header("Gongjian-Delivery", "The delivery's id, the same for every attempt.", openapi3.NewStringSchema()),
		},
		RequestBody: &openapi3.RequestBodyRef{Value: body},
		Responses:   responses,
		Security:    &openapi3.SecurityRequirements{},
	}
	cb := openapi3.NewCallback()
	cb.Set("{$request.body#/url}", &openapi3.PathItem{Post: op})
	return cb
}
