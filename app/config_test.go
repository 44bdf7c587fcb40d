package app

import (
	"strings"
	"testing"
	"time"
)

func TestLoadConfig(t *testing.T) {
	t.Parallel()
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	c, err := LoadConfig(env(nil))
	if err != nil || c.Addr != ":8080" || c.DatabaseURL != "gongjian.db" || c.ClaimHold != 72*time.Hour || c.AccessTTL != 15*time.Minute {
		t.Fatalf("defaults: %+v %v", c, err)
	}
	c, err = LoadConfig(env(map[string]string{"GONGJIAN_CLAIM_HOLD": "2h", "GONGJIAN_DATABASE_URL": "postgres://u:secret@h/db"}))
	if err != nil || c.ClaimHold != 2*time.Hour {
		t.Fatalf("claim hold: %+v %v", c, err)
	}
	if c.ClientSecretGrace != 24*time.Hour {
		t.Fatalf("default client secret grace: %s", c.ClientSecretGrace)
	}
	if c, err := LoadConfig(env(map[string]string{"GONGJIAN_CLIENT_SECRET_GRACE": "0"})); err != nil || c.ClientSecretGrace != 0 {
		t.Fatalf("client secret grace 0: %s %v", c.ClientSecretGrace, err)
	}
	if c, err := LoadConfig(env(map[string]string{"GONGJIAN_WEBHOOK_ALLOW_PRIVATE": "true"})); err != nil || !c.WebhookAllowPrivate {
		t.Fatalf("webhook allow private: %v %v", c.WebhookAllowPrivate, err)
	}
	if strings.Contains(c.String(), "secret") {
		t.Fatalf("config string leaks the password: %s", c)
	}
	bad := map[string]string{
		"GONGJIAN_CLAIM_HOLD":          "-1h",
		"GONGJIAN_JWT_SECRET":          "c2hvcnQ=",
		"GONGJIAN_BOOTSTRAP_ADMIN":     "admin",
		"GONGJIAN_BCRYPT_COST":         "99",
		"GONGJIAN_LOG_LEVEL":           "loud",
		"GONGJIAN_CLIENT_SECRET_GRACE": "-1h",
		// A typo must not silently leave private addresses open or closed.
		"GONGJIAN_WEBHOOK_ALLOW_PRIVATE": "yes",
	}
	for k, v := range bad {
		if _, err := LoadConfig(env(map[string]string{k: v})); err == nil || !strings.Contains(err.Error(), k) {
			t.Errorf("%s=%s: err = %v", k, v, err)
		}
	}
}

func TestTrustedProxies(t *testing.T) {
	t.Parallel()
	c, err := LoadConfig(func(k string) string {
		if k == "GONGJIAN_TRUSTED_PROXIES" {
			return "10.0.0.0/8, 192.168.1.7 ,::1"
		}
		return ""
	})
	if err != nil || len(c.TrustedProxies) != 3 || c.TrustedProxies[1].String() != "192.168.1.7/32" {
		t.Fatalf("%v %v", c.TrustedProxies, err)
	}
	if _, err := LoadConfig(func(k string) string {
		if k == "GONGJIAN_TRUSTED_PROXIES" {
			return "not-an-ip"
		}
		return ""
	}); err == nil {
		t.Fatal("a bad proxy address must fail the start")
	}
}

func TestPprofAddrIsLoopbackOnly(t *testing.T) {
	t.Parallel()
	for addr, ok := range map[string]bool{"127.0.0.1:6060": true, "[::1]:6060": true, "0.0.0.0:6060": false, ":6060": false, "10.1.2.3:6060": false, "localhost": false} {
		_, err := LoadConfig(func(k string) string {
			if k == "GONGJIAN_PPROF_ADDR" {
				return addr
			}
			return ""
		})
		if (err == nil) != ok {
			t.Errorf("GONGJIAN_PPROF_ADDR=%s: err = %v", addr, err)
		}
	}
}
