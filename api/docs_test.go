package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/gongjian/gongjian/api/apitest"
)

// TestDocsUI: /docs opens on the service's own document, from embedded assets, whatever the
// query string, and its assets load.
func TestDocsUI(t *testing.T) {
	t.Parallel()
	s := apitest.Start(t, "sqlite", nil)
	c := s.Anon()
	for _, p := range []string{"/docs", "/docs?x", "/docs?url=https://evil.example/x.json", "/docs/", "/docs/index.html?x=1"} {
		r := c.Do("GET", p, nil)
		if r.Code != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
			t.Fatalf("%s: %d %s", p, r.Code, r.Header.Get("Content-Type"))
		}
		page := string(r.Body)
		if strings.Contains(page, "http://") || strings.Contains(page, "https://") {
			t.Errorf("%s: the page names another host: %s", p, page)
		}
		for _, asset := range []string{"/docs/swagger-ui.css", "/docs/swagger-ui-bundle.js", "/docs/swagger-ui-standalone-preset.js", "/docs/swagger-initializer.js"} {
			if !strings.Contains(page, asset) {
				t.Errorf("%s: the page does not load %s", p, asset)
			}
		}
	}
	for _, asset := range []string{"/docs/swagger-ui.css", "/docs/swagger-ui-bundle.js", "/docs/swagger-ui-standalone-preset.js"} {
		if r := c.Do("GET", asset+"?v=1", nil); r.Code != http.StatusOK || len(r.Body) < 1000 {
			t.Errorf("%s: %d, %d bytes", asset, r.Code, len(r.Body))
		}
	}
	init := c.Do("GET", "/docs/swagger-initializer.js", nil)
	if !strings.Contains(string(init.Body), `url: "/openapi.json"`) || strings.Contains(string(init.Body), "petstore") {
		t.Errorf("initializer: %s", init.Body)
	}
	doc := c.Do("GET", "/openapi.json", nil).Expect(http.StatusOK)
	paths := doc["paths"].(map[string]any)
	for _, p := range []string{"/openapi.json", "/docs", "/api/v1/claims"} {
		if _, ok := paths[p]; !ok {
			t.Errorf("the document lacks %s", p)
		}
	}
	c.Do("GET", "/docs/nope.js", nil).Problem(http.StatusNotFound, "not_found")
}
