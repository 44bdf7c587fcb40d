package main

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// schemaFacts applies to the document what the Go declarations of the DTOs say and swag drops
// (see goField), schema by schema:
//
//   - a response field without omitempty is required; a pointer or map without omitempty may be
//     null (nullable); with omitempty it is absent instead, never null; validate:"required"
//     makes a field required and never null;
//   - a request field is required when it has neither omitempty nor a pointer type, or, in the
//     POST variant of a schema shared with PATCH, when its tag says create:"required" (the
//     variant is named <Name without Request>CreateRequest and the POST operations use it);
//   - time.Time is format date-time; an id the server generates (id, *_id, except the
//     declared exceptions) is format uuid;
//   - a tag schema:"Name" types a free-form field (map[string]any) by a schema of its own;
//   - every object is closed (additionalProperties: false): the service rejects unknown request
//     fields, and a response carries exactly what its schema names.
//
// It returns the names of the schemas it found no Go declaration for.
func schemaFacts(doc *openapi3.T, structs map[string][]goField) ([]string, error) {
	requests := requestSchemas(doc)
	if err := createVariants(doc, structs, requests); err != nil {
		return nil, err
	}
	var unknown []string
	for name, ref := range doc.Components.Schemas {
		s := ref.Value
		if s == nil || !s.Type.Is("object") {
			continue
		}
		fields, ok := structs[name]
		if !ok {
			unknown = append(unknown, name)
			continue
		}
		_, isRequest := requests[name]
		if err := applyFields(doc, s, fields, isRequest, strings.HasSuffix(name, "CreateRequest")); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}
	sort.Strings(unknown)
	return unknown, nil
}

// notUUID are id fields whose values are not generated UUIDs.
var notUUID = []string{"client_id", "actor_id", "created_by", "event_id", "subject_id", "id_token"}

func applyFields(doc *openapi3.T, s *openapi3.Schema, fields []goField, request, create bool) error {
	s.Required = nil
	for _, f := range fields {
		prop := s.Properties[f.json]
		if prop == nil {
			continue
		}
		if name := f.tags.Get("schema"); name != "" {
			if doc.Components.Schemas[name] == nil {
				return fmt.Errorf("field %s: schema %q is not in the document", f.json, name)
			}
			prop = openapi3.NewSchemaRef("#/components/schemas/"+name, nil)
			s.Properties[f.json] = prop
		}
		// validate:"required" (swag's own tag): present and never null, whatever the Go type.
		mandatory := strings.Contains(","+f.tags.Get("validate")+",", ",required,")
		required := !f.omitempty || mandatory
		if request {
			required = (!f.omitempty && !f.pointer) || mandatory || (create && f.tags.Get("create") == "required")
		}
		if required {
			s.Required = append(s.Required, f.json)
		}
		nullable := !request && f.pointer && !f.omitempty && !mandatory
		if prop.Ref != "" && nullable {
			// A reference cannot be nullable itself in OpenAPI 3.0: wrap it.
			s.Properties[f.json] = &openapi3.SchemaRef{Value: &openapi3.Schema{Type: &openapi3.Types{"object"}, Nullable: true, AllOf: openapi3.SchemaRefs{prop}}}
			continue
		}
		v := prop.Value
		if prop.Ref != "" || v == nil {
			continue
		}
		if nullable {
			v.Nullable = true
		}
		if f.timestamp && v.Type.Is("string") {
			v.Format = "date-time"
		}
		if !request && v.Type.Is("string") && v.Format == "" && isGeneratedID(f.json) {
			v.Format = "uuid"
		}
	}
	if !s.Type.Is("object") || s.AdditionalProperties.Has != nil || s.AdditionalProperties.Schema != nil {
		return nil
	}
	s.AdditionalProperties = openapi3.AdditionalProperties{Has: ptr(false)}
	return nil
}

// int64Formats gives every integer without a format the format int64: Go's int and int64
// encode as 64-bit integers.
func int64Formats(doc *openapi3.T) {
	seen := map[*openapi3.Schema]bool{}
	var walk func(ref *openapi3.SchemaRef)
	walk = func(ref *openapi3.SchemaRef) {
		if ref == nil || ref.Value == nil || seen[ref.Value] {
			return
		}
		s := ref.Value
		seen[s] = true
		if s.Type.Is("integer") && s.Format == "" {
			s.Format = "int64"
		}
		for _, p := range s.Properties {
			walk(p)
		}
		walk(s.Items)
		for _, group := range []openapi3.SchemaRefs{s.AllOf, s.AnyOf, s.OneOf} {
			for _, x := range group {
				walk(x)
			}
		}
		walk(s.AdditionalProperties.Schema)
	}
	for _, s := range doc.Components.Schemas {
		walk(s)
	}
	for _, h := range doc.Components.Headers {
		if h.Value != nil {
			walk(h.Value.Schema)
		}
	}
	for _, p := range doc.Components.Parameters {
		if p.Value != nil {
			walk(p.Value.Schema)
		}
	}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			for _, p := range op.Parameters {
				if p.Value != nil {
					walk(p.Value.Schema)
				}
			}
		}
	}
}

func isGeneratedID(json string) bool {
	return (json == "id" || strings.HasSuffix(json, "_id")) && !slices.Contains(notUUID, json) &&
		!strings.HasPrefix(json, "external_") && !strings.HasSuffix(json, "client_id")
}

// requestSchemas are the schemas request bodies name, with the operations (method and path)
// naming them.
func requestSchemas(doc *openapi3.T) map[string][]*openapi3.Operation {
	out := map[string][]*openapi3.Operation{}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			if op.RequestBody == nil || op.RequestBody.Value == nil {
				continue
			}
			for _, media := range op.RequestBody.Value.Content {
				if media.Schema != nil && media.Schema.Ref != "" {
					name := strings.TrimPrefix(media.Schema.Ref, "#/components/schemas/")
					out[name] = append(out[name], op)
				}
			}
		}
	}
	return out
}

// createVariants copies each request schema with create:"required" fields into its POST variant
// and points the POST operations (those answering 201) at it.
func createVariants(doc *openapi3.T, structs map[string][]goField, requests map[string][]*openapi3.Operation) error {
	names := make([]string, 0, len(requests))
	for name := range requests {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		fields := structs[name]
		if !slices.ContainsFunc(fields, func(f goField) bool { return f.tags.Get("create") == "required" }) {
			continue
		}
		variant := strings.TrimSuffix(name, "Request") + "CreateRequest"
		orig := doc.Components.Schemas[name].Value
		cp := *orig
		cp.Properties = openapi3.Schemas{}
		for k, v := range orig.Properties {
			cp.Properties[k] = v
		}
		cp.Description = strings.TrimSpace(orig.Description + " On creation (POST) the fields listed as required must be sent.")
		doc.Components.Schemas[variant] = &openapi3.SchemaRef{Value: &cp}
		structs[variant] = fields
		for _, op := range requests[name] {
			if op.Responses.Value("201") == nil {
				continue
			}
			for _, media := range op.RequestBody.Value.Content {
				media.Schema = openapi3.NewSchemaRef("#/components/schemas/"+variant, nil)
			}
		}
		requests[variant] = nil
	}
	return nil
}
