package api

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
)

// FuzzDecodeBody: whatever the body, decoding a listing request answers a value whose every
// string is clean text, or a 400/422 problem (never a panic, never an internal error); a 422
// names a field.
func FuzzDecodeBody(f *testing.F) {
	f.Add([]byte(`{"title":"夜间停车","quantity":3,"windows":[{"start":"2030-01-01T19:00:00+08:00","end":"2030-01-02T07:00:00+08:00","rrule":"FREQ=DAILY"}]}`))
	f.Add([]byte(`{"title":"a\u0000b"}`))
	f.Add([]byte(`{"title":"\ud800"}`))
	f.Add([]byte(`{"title":"\ud83d\ude00"}`))
	f.Add([]byte("{\"title\":\"\xff\"}"))
	f.Add([]byte(`{"windows":[{"start":"2030-01-01"}]}`))
	f.Add([]byte(`{"location":{"lat":1e400}}`))
	f.Add([]byte(`{"quantity":1.5} {}`))
	f.Add([]byte(`NaN`))
	f.Add([]byte(`[[[[[[[[[[]]]]]]]]]]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var req ListingRequest
		err := decodeBytes(body, &req)
		if err == nil {
			if field := badTextField(reflect.ValueOf(&req), ""); field != "" {
				t.Fatalf("accepted unclean text in %s: %q", field, body)
			}
			return
		}
		var pe *problemError
		if !errors.As(err, &pe) {
			t.Fatalf("%q: not a problem: %v", body, err)
		}
		switch pe.status {
		case http.StatusBadRequest:
		case http.StatusUnprocessableEntity:
			if len(pe.fields) == 0 || pe.fields[0].Field == "" {
				t.Fatalf("%q: 422 without a field: %v", body, err)
			}
		default:
			t.Fatalf("%q: status %d", body, pe.status)
		}
	})
}

// FuzzLongArray: the raw shape scan finds an over-long array exactly when a full decode does.
func FuzzLongArray(f *testing.F) {
	f.Add([]byte(`{"windows":[1,2,3,4]}`), 3)
	f.Add([]byte(`{"a":{"b":[[1,2],[3,"x,]",{"c":[1,2,3,4,5]}]]}}`), 4)
	f.Add([]byte(`["\"]",[],{},null,true]`), 4)
	f.Fuzz(func(t *testing.T, body []byte, max int) {
		if !json.Valid(body) || max < 0 || max > 50 {
			return
		}
		var v any
		if err := json.Unmarshal(body, &v); err != nil {
			return
		}
		_, got := longArray(body, max)
		if want := hasLongArray(v, max); got != want {
			t.Fatalf("longArray(%q, %d) = %v, want %v", body, max, got, want)
		}
	})
}

func hasLongArray(v any, max int) bool {
	switch v := v.(type) {
	case []any:
		if len(v) > max {
			return true
		}
		for _, e := range v {
			if hasLongArray(e, max) {
				return true
			}
		}
	case map[string]any:
		for _, e := range v {
			if hasLongArray(e, max) {
				return true
			}
		}
	}
	return false
}

// FuzzCursor: any cursor is refused with a 422 naming it or accepted as clean text, and the
// cursors the server issues read back as the id they were made from.
func FuzzCursor(f *testing.F) {
	f.Add("MDFKQUJD")
	f.Add("AA")
	f.Add("_w")
	f.Add("!!!")
	f.Add("")
	f.Add("01JABCDEFGHJKMNPQRSTVWXYZ0")
	e := echo.New()
	f.Fuzz(func(t *testing.T, cursor string) {
		c := e.NewContext(httptest.NewRequest(http.MethodGet, "/x?cursor="+url.QueryEscape(cursor), nil), httptest.NewRecorder())
		p, err := pageParams(c)
		if err != nil {
			var pe *problemError
			if !errors.As(err, &pe) || pe.status != http.StatusUnprocessableEntity || pe.fields[0].Field != "cursor" {
				t.Fatalf("cursor %q: %v", cursor, err)
			}
		} else if !utf8.ValidString(p.After) || strings.ContainsRune(p.After, 0) {
			t.Fatalf("cursor %q accepted as %q", cursor, p.After)
		}
		// Round trip: an id the server pages after comes back unchanged.
		if !cleanText(cursor) || cursor == "" {
			return
		}
		issued := base64.RawURLEncoding.EncodeToString([]byte(cursor))
		c = e.NewContext(httptest.NewRequest(http.MethodGet, "/x?cursor="+issued, nil), httptest.NewRecorder())
		if p, err := pageParams(c); err != nil || p.After != cursor {
			t.Fatalf("issued cursor for %q read back as %q, %v", cursor, p.After, err)
		}
	})
}
