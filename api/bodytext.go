package api

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Body strings. encoding/json silently turns a lone UTF-16 surrogate escape (\ud800) into U+FFFD
// and lets \u0000 through as NUL. The raw bytes are checked for valid UTF-8 before decoding (400:
// not JSON); lone surrogate escapes are rewritten to \u0000 (the same six bytes) so that, after
// decoding, one walk over the decoded value finds both and names the field (422).

// markLoneSurrogates returns body with every \u escape of an unpaired surrogate replaced by
// \u0000 (body itself when there is none). Only the hex digits of escapes inside strings change,
// so a body that was not valid JSON stays invalid.
func markLoneSurrogates(body []byte) []byte {
	if !bytes.Contains(body, []byte(`\u`)) {
		return body
	}
	var out []byte
	inString := false
	for i := 0; i < len(body); i++ {
		switch b := body[i]; {
		case !inString:
			inString = b == '"'
		case b == '"':
			inString = false
		case b == '\\' && i+1 < len(body):
			if body[i+1] != 'u' {
				i++ // a one-character escape, \" included
				continue
			}
			r, ok := hex4(body, i+2)
			if !ok {
				continue
			}
			if r >= 0xD800 && r < 0xDC00 && i+7 < len(body) && body[i+6] == '\\' && body[i+7] == 'u' {
				if lo, ok := hex4(body, i+8); ok && lo >= 0xDC00 && lo < 0xE000 {
					i += 11 // a high and a low surrogate: one character
					continue
				}
			}
			if r >= 0xD800 && r < 0xE000 {
				if out == nil {
					out = bytes.Clone(body)
				}
				copy(out[i:], `\u0000`)
			}
			i += 5
		}
	}
	if out == nil {
		return body
	}
	return out
}

func hex4(b []byte, at int) (rune, bool) {
	if at+4 > len(b) {
		return 0, false
	}
	n, err := strconv.ParseUint(string(b[at:at+4]), 16, 16)
	return rune(n), err == nil
}

// badTextField returns the JSON path of the first string in v (a decoded request) that is not
// clean text, or "".
func badTextField(v reflect.Value, path string) string {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return ""
		}
		return badTextField(v.Elem(), path)
	case reflect.String:
		if !cleanText(v.String()) {
			return orBody(path)
		}
	case reflect.Struct:
		for _, f := range jsonFields(v.Type()) {
			p := join(path, f.name)
			if f.inline {
				p = path
			}
			if bad := badTextField(v.Field(f.index), p); bad != "" {
				return bad
			}
		}
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return "" // []byte and json.RawMessage: not text
		}
		for i := range v.Len() {
			if bad := badTextField(v.Index(i), path+"["+strconv.Itoa(i)+"]"); bad != "" {
				return bad
			}
		}
	case reflect.Map:
		iter := v.MapRange()
		for iter.Next() {
			k := iter.Key()
			if k.Kind() == reflect.String && !cleanText(k.String()) {
				return orBody(path)
			}
			if bad := badTextField(iter.Value(), join(path, k.String())); bad != "" {
				return bad
			}
		}
	}
	return ""
}

// jsonField is an exported struct field that encoding/json decodes into.
type jsonField struct {
	index  int
	name   string
	inline bool // an embedded struct without a tag: its fields are the outer object's
}

var fieldCache sync.Map // reflect.Type → []jsonField

// jsonFields lists the fields of struct type t that JSON fills, once per type: reflect's Field
// is too slow to call for every element of a long list.
func jsonFields(t reflect.Type) []jsonField {
	if fs, ok := fieldCache.Load(t); ok {
		return fs.([]jsonField)
	}
	var fs []jsonField
	for i := range t.NumField() {
		f := t.Field(i)
		name, ok := jsonName(f)
		if !f.IsExported() || !ok {
			continue
		}
		fs = append(fs, jsonField{index: i, name: name, inline: f.Anonymous && f.Tag.Get("json") == ""})
	}
	fieldCache.Store(t, fs)
	return fs
}

func jsonName(f reflect.StructField) (string, bool) {
	tag := f.Tag.Get("json")
	if tag == "-" {
		return "", false
	}
	name, _, _ := strings.Cut(tag, ",")
	if name == "" {
		name = f.Name
	}
	return name, true
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func orBody(path string) string {
	if path == "" {
		return "body"
	}
	return path
}

var (
	unmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	timeType        = reflect.TypeFor[time.Time]()
)

// locateBadValue finds the field of a request of type t whose value does not decode, for errors
// encoding/json reports without a field (those of json.Unmarshaler implementations such as
// time.Time: a timestamp without offset, a date where a timestamp is expected). It decodes body
// generically and tries each leaf on its own type. body must be valid JSON.
func locateBadValue(body []byte, t reflect.Type) (field string, leaf reflect.Type, ok bool) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return "", nil, false
	}
	return locate(t, v, "")
}

func locate(t reflect.Type, v any, path string) (string, reflect.Type, bool) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if v == nil {
		return "", nil, false
	}
	if reflect.PointerTo(t).Implements(unmarshalerType) || t.Kind() != reflect.Struct && t.Kind() != reflect.Slice &&
		t.Kind() != reflect.Array && t.Kind() != reflect.Map {
		raw, err := json.Marshal(v)
		if err != nil {
			return "", nil, false
		}
		if json.Unmarshal(raw, reflect.New(t).Interface()) != nil {
			return orBody(path), t, true
		}
		return "", nil, false
	}
	switch t.Kind() {
	case reflect.Struct:
		obj, _ := v.(map[string]any)
		for i := range t.NumField() {
			f := t.Field(i)
			name, ok := jsonName(f)
			if !f.IsExported() || !ok {
				continue
			}
			if f.Anonymous && f.Tag.Get("json") == "" {
				if p, lt, ok := locate(f.Type, v, path); ok {
					return p, lt, true
				}
				continue
			}
			for k, fv := range obj {
				if strings.EqualFold(k, name) {
					if p, lt, ok := locate(f.Type, fv, join(path, name)); ok {
						return p, lt, true
					}
				}
			}
		}
	case reflect.Slice, reflect.Array:
		arr, _ := v.([]any)
		for i, ev := range arr {
			if p, lt, ok := locate(t.Elem(), ev, path+"["+strconv.Itoa(i)+"]"); ok {
				return p, lt, true
			}
		}
	case reflect.Map:
		obj, _ := v.(map[string]any)
		for k, ev := range obj {
			if p, lt, ok := locate(t.Elem(), ev, join(path, k)); ok {
				return p, lt, true
			}
		}
	}
	return "", nil, false
}
