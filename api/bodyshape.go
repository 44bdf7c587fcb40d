package api

import (
	"strconv"
	"strings"
)

// maxArrayItems bounds every array of a request body before it is decoded: no request of this
// API lists more than a few dozen things (20 windows, a handful of scopes or categories), so a
// body with a longer array is refused for its shape, cheaply, instead of being decoded in full
// and only then checked for its counts.
const maxArrayItems = 1000

// frame is one open array or object of the body being scanned.
type frame struct {
	array bool
	items int    // arrays: values seen so far
	key   string // objects: the current member's name
}

// longArray returns the JSON path of the first array in body with more than max elements. body
// must be valid JSON (json.Valid); the scan does not check syntax.
func longArray(body []byte, max int) (string, bool) {
	var stack []frame
	for i := 0; i < len(body); i++ {
		switch c := body[i]; c {
		case '[', '{':
			if len(stack) > 0 && stack[len(stack)-1].array {
				if stack[len(stack)-1].items++; stack[len(stack)-1].items > max {
					return stackPath(stack), true
				}
			}
			stack = append(stack, frame{array: c == '['})
		case ']', '}':
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		case ' ', '\t', '\r', '\n', ',', ':':
		case '"':
			end := stringEnd(body, i)
			if len(stack) > 0 {
				top := &stack[len(stack)-1]
				if top.array {
					if top.items++; top.items > max {
						return stackPath(stack), true
					}
				} else if isKey(body, end) {
					top.key = unquote(body[i : end+1])
				}
			}
			i = end
		default: // a number, true, false or null
			j := i
			for j < len(body) && !strings.ContainsRune(",]} \t\r\n", rune(body[j])) {
				j++
			}
			if len(stack) > 0 && stack[len(stack)-1].array {
				if stack[len(stack)-1].items++; stack[len(stack)-1].items > max {
					return stackPath(stack), true
				}
			}
			i = j - 1
		}
	}
	return "", false
}

// stringEnd is the index of the quote closing the string that opens at i.
func stringEnd(b []byte, i int) int {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j
		}
	}
	return len(b) - 1
}

// isKey reports whether the string ending at end is an object member's name (a ':' follows).
func isKey(b []byte, end int) bool {
	for j := end + 1; j < len(b); j++ {
		switch b[j] {
		case ' ', '\t', '\r', '\n':
		case ':':
			return true
		default:
			return false
		}
	}
	return false
}

func unquote(s []byte) string {
	if u, err := strconv.Unquote(string(s)); err == nil {
		return u
	}
	return string(s[1 : len(s)-1])
}

// stackPath is the path of the innermost open value: member names and indexes of the outer ones.
func stackPath(stack []frame) string {
	var b strings.Builder
	for i, f := range stack[:len(stack)-1] {
		if f.array {
			b.WriteString("[" + strconv.Itoa(f.items-1) + "]")
			continue
		}
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(f.key)
	}
	return orBody(b.String())
}
