package main

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
)

func TestHealthcheck(t *testing.T) {
	t.Parallel()
	var status atomic.Int32
	status.Store(http.StatusOK)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/readyz" {
			http.NotFound(w, r)
			return
		}
		w.WriteHeader(int(status.Load()))
	}))
	defer srv.Close()
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	env := func(k string) string {
		if k == "GONGJIAN_ADDR" {
			return ":" + port
		}
		return ""
	}
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"healthcheck"}, env, &out, &errOut); err != nil {
		t.Fatalf("ready server: %v", err)
	}
	status.Store(http.StatusServiceUnavailable) // draining, or the database is gone
	if err := run(context.Background(), []string{"healthcheck"}, env, &out, &errOut); err == nil {
		t.Fatal("a 503 passed the health check")
	}
	srv.Close()
	if err := run(context.Background(), []string{"healthcheck", "--url", srv.URL + "/readyz"}, env, &out, &errOut); err == nil {
		t.Fatal("a closed port passed the health check")
	}
}
