package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/gongjian/gongjian/repository/repotest"
)

// TestServeOnEachEngine starts the real command on SQLite and, when configured, PostgreSQL, and
// checks that it serves: ready, the OpenAPI 3 document, and a bootstrap admin who can log in.
func TestServeOnEachEngine(t *testing.T) {
	t.Parallel()
	for _, engine := range repotest.Engines() {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			dbURL := repotest.URL(t, engine)
			l, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			addr := l.Addr().String()
			l.Close()
			env := map[string]string{
				"GONGJIAN_ADDR": addr, "GONGJIAN_DATABASE_URL": dbURL,
				"GONGJIAN_BOOTSTRAP_ADMIN": "admin:serve-test-password", "GONGJIAN_BCRYPT_COST": "4",
				"GONGJIAN_SHUTDOWN_DRAIN": "2s",
			}
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			var out, errOut bytes.Buffer
			go func() { done <- run(ctx, []string{"serve"}, func(k string) string { return env[k] }, &out, &errOut) }()
			base := "http://" + addr
			ready := false
			for i := 0; i < 100 && !ready; i++ {
				if r, err := http.Get(base + "/readyz"); err == nil {
					ready = r.StatusCode == http.StatusOK
					r.Body.Close()
				}
				if !ready {
					time.Sleep(50 * time.Millisecond)
				}
			}
			if !ready {
				cancel()
				t.Fatalf("not ready: %s", errOut.String())
			}
			var doc map[string]any
			r, err := http.Get(base + "/openapi.json")
			if err != nil {
				t.Fatal(err)
			}
			if err := json.NewDecoder(r.Body).Decode(&doc); err != nil || doc["openapi"] == nil || doc["openapi"].(string)[:2] != "3." {
				t.Fatalf("openapi.json: %v %v", doc["openapi"], err)
			}
			r.Body.Close()
			login, err := http.Post(base+"/api/v1/auth/login", "application/json",
				bytes.NewBufferString(`{"username":"admin","password":"serve-test-password"}`))
			if err != nil || login.StatusCode != http.StatusOK {
				t.Fatalf("login: %v %v", login.StatusCode, err)
			}
			login.Body.Close()
			// SIGTERM: the replica drains. /readyz says 503 so balancers stop sending, while
			// the listener still serves; then it closes.
			cancel()
			var readyz, healthz int
			for i := 0; i < 40 && readyz != http.StatusServiceUnavailable; i++ {
				if r, err := http.Get(base + "/readyz"); err == nil {
					readyz = r.StatusCode
					r.Body.Close()
				}
				time.Sleep(25 * time.Millisecond)
			}
			if r, err := http.Get(base + "/healthz"); err == nil {
				healthz = r.StatusCode
				r.Body.Close()
			}
			if readyz != http.StatusServiceUnavailable || healthz != http.StatusOK {
				t.Fatalf("while draining: /readyz %d, /healthz %d; want 503 and 200", readyz, healthz)
			}
			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("serve returned %v", err)
				}
			case <-time.After(30 * time.Second):
				t.Fatal("serve did not shut down")
			}
		})
	}
}
