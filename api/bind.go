package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
)

// maxBody is the largest request body accepted (API.md §1).
const maxBody = 1 << 20

func jsonEncoder(w io.Writer) *json.Encoder {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc
}

// decodeJSON reads the request body strictly into dst: one JSON value, no unknown fields, no
// trailing data. Syntax errors are 400, type errors and unknown fields 422, each naming the field.
func decodeJSON(c echo.Context, dst any) error {
	r := c.Request()
	if ct := r.Header.Get(echo.HeaderContentType); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != echo.MIMEApplicationJSON && !strings.HasSuffix(mt, "+json")) {
			return newProblem(http.StatusUnsupportedMediaType, "validation_failed", "Content-Type must be application/json")
		}
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return newProblem(http.StatusRequestEntityTooLarge, "payload_too_large", "the request body must not exceed 1 MiB")
		}
		return newProblem(http.StatusBadRequest, "validation_failed", "the request body could not be read")
	}
	c.Set(ctxBody, body)
	return decodeBytes(body, dst)
}

// converter is a request body that becomes a domain input.
type converter[D any] interface{ toDomain() (D, error) }

// decodeInput reads a request body of type R strictly and converts it to its domain input.
func decodeInput[R converter[D], D any](c echo.Context) (D, error) {
	var req R
	if err := decodeJSON(c, &req); err != nil {
		var zero D
		return zero, err
	}
	return req.toDomain()
}

func decodeBytes(body []byte, dst any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return newProblem(http.StatusBadRequest, "validation_failed", "a JSON request body is required")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return jsonProblem(err)
	}
	if dec.More() {
		return newProblem(http.StatusBadRequest, "validation_failed", "the body must hold exactly one JSON value")
	}
	return nil
}

func jsonProblem(err error) error {
	var (
		syntax *json.SyntaxError
		typ    *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &syntax), errors.Is(err, io.ErrUnexpectedEOF):
		return newProblem(http.StatusBadRequest, "validation_failed", "the body is not valid JSON")
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "body"
		}
		return fieldProblem(http.StatusUnprocessableEntity, field, "invalid_type",
			fmt.Sprintf("%s must be of JSON type %s", field, jsonKind(typ.Type.Kind().String())))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return fieldProblem(http.StatusUnprocessableEntity, name, "unknown", fmt.Sprintf("unknown field %q", name))
	}
	return newProblem(http.StatusBadRequest, "validation_failed", "the body is not valid JSON")
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "string"
	case "bool":
		return "boolean"
	case "slice", "array":
		return "array"
	case "map", "struct", "ptr":
		return "object"
	}
	return "number"
}
