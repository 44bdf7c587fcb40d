package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"mime"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

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

// decodeBytes decodes one JSON value strictly into dst (a pointer). Not JSON (including invalid
// UTF-8 in the raw bytes, a bare NaN, trailing text) is 400; a value that does not fit its field,
// an unknown field, or a string that is not clean text (NUL, a lone surrogate escape) is 422
// naming the field.
func decodeBytes(body []byte, dst any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return newProblem(http.StatusBadRequest, "validation_failed", "a JSON request body is required")
	}
	if !utf8.Valid(body) {
		return newProblem(http.StatusBadRequest, "validation_failed", "the body is not valid JSON: it is not valid UTF-8")
	}
	if !json.Valid(body) {
		return newProblem(http.StatusBadRequest, "validation_failed", "the body is not valid JSON")
	}
	// Shape before content: a body listing thousands of things is refused before any of them
	// is decoded, let alone expanded.
	if field, long := longArray(body, maxArrayItems); long {
		return fieldProblem(http.StatusUnprocessableEntity, field, "out_of_range",
			fmt.Sprintf("%s must hold at most %d items", field, maxArrayItems))
	}
	dec := json.NewDecoder(bytes.NewReader(markLoneSurrogates(body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return jsonProblem(err, body, reflect.TypeOf(dst))
	}
	if len(bytes.TrimSpace(body[dec.InputOffset():])) > 0 {
		return newProblem(http.StatusBadRequest, "validation_failed", "the body must hold exactly one JSON value")
	}
	if field := badTextField(reflect.ValueOf(dst), ""); field != "" {
		return textProblem(field)
	}
	return nil
}

func jsonProblem(err error, body []byte, t reflect.Type) error {
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
		kind := jsonKind(typ.Type.Kind().String())
		if n, ok := strings.CutPrefix(typ.Value, "number "); ok && kind == "number" {
			// A number that does not fit: too large (or small) for the field, or a fraction
			// where an integer is expected.
			if f, _ := strconv.ParseFloat(n, 64); f != math.Trunc(f) {
				return fieldProblem(http.StatusUnprocessableEntity, field, "invalid_type", field+" must be an integer")
			}
			return fieldProblem(http.StatusUnprocessableEntity, field, "out_of_range", field+" is out of range")
		}
		return fieldProblem(http.StatusUnprocessableEntity, field, "invalid_type",
			fmt.Sprintf("%s must be of JSON type %s", field, kind))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return fieldProblem(http.StatusUnprocessableEntity, orBody(name), "unknown", fmt.Sprintf("unknown field %q", name))
	}
	// An error of a json.Unmarshaler (time.Time above all) carries no field: find it.
	if field, leaf, ok := locateBadValue(body, t); ok {
		if leaf == timeType {
			return fieldProblem(http.StatusUnprocessableEntity, field, "invalid",
				field+" must be an RFC 3339 timestamp with offset, such as 2027-01-04T19:00:00+08:00")
		}
		return fieldProblem(http.StatusUnprocessableEntity, field, "invalid", field+" is not a valid value")
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
