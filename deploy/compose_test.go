// Package deploy holds the deployment files' tests: docker compose cannot run where the tests
// do, so the compose file's structure is checked here instead.
package deploy

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

type healthcheck struct {
	Test     []string `yaml:"test"`
	Interval string   `yaml:"interval"`
	Timeout  string   `yaml:"timeout"`
	Retries  int      `yaml:"retries"`
}

type service struct {
	Image       string                       `yaml:"image"`
	Build       any                          `yaml:"build"`
	Environment map[string]string            `yaml:"environment"`
	DependsOn   map[string]map[string]string `yaml:"depends_on"`
	Healthcheck *healthcheck                 `yaml:"healthcheck"`
	Ports       []string                     `yaml:"ports"`
	Volumes     []string                     `yaml:"volumes"`
	StopGrace   string                       `yaml:"stop_grace_period"`
}

type compose struct {
	Services map[string]service `yaml:"services"`
	Volumes  map[string]any     `yaml:"volumes"`
}

func load(t *testing.T) compose {
	t.Helper()
	b, err := os.ReadFile("../docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	var c compose
	if err := yaml.Unmarshal(b, &c); err != nil {
		t.Fatalf("docker-compose.yml: %v", err)
	}
	return c
}

// TestCompose checks what docker compose would need: PostgreSQL, two gongjian replicas built
// from this repository and a reverse proxy from a well-known image, each with a health check,
// started in dependency order on health, and every replica on the same database.
func TestCompose(t *testing.T) {
	t.Parallel()
	c := load(t)
	pg, ok := c.Services["postgres"]
	if !ok || !strings.HasPrefix(pg.Image, "postgres:") {
		t.Fatalf("no postgres service from the postgres image: %+v", pg)
	}
	var replicas []string
	for name, s := range c.Services {
		if s.Build != nil {
			replicas = append(replicas, name)
		}
	}
	slices.Sort(replicas)
	if len(replicas) != 2 {
		t.Fatalf("want two gongjian replicas built from the Dockerfile, got %v", replicas)
	}
	var dbURL string
	for _, name := range replicas {
		s := c.Services[name]
		if s.Healthcheck == nil || !slices.Equal(s.Healthcheck.Test, []string{"CMD", "/gongjian", "healthcheck"}) {
			t.Errorf("%s: health check %+v, want the binary's healthcheck subcommand (no shell in the image)", name, s.Healthcheck)
		}
		if s.DependsOn["postgres"]["condition"] != "service_healthy" {
			t.Errorf("%s starts before PostgreSQL is healthy: %v", name, s.DependsOn)
		}
		u := s.Environment["GONGJIAN_DATABASE_URL"]
		if !strings.HasPrefix(u, "postgres://") || !strings.Contains(u, "@postgres:5432/") {
			t.Errorf("%s: GONGJIAN_DATABASE_URL %q does not name the postgres service", name, u)
		}
		if dbURL != "" && u != dbURL {
			t.Errorf("replicas on different databases: %q, %q", dbURL, u)
		}
		dbURL = u
		for _, k := range []string{"GONGJIAN_SHUTDOWN_DRAIN", "GONGJIAN_TRUSTED_PROXIES"} {
			if s.Environment[k] == "" {
				t.Errorf("%s: %s unset", name, k)
			}
		}
		if len(s.Ports) != 0 {
			t.Errorf("%s publishes %v: only the proxy should", name, s.Ports)
		}
	}
	proxy, ok := c.Services["caddy"]
	if !ok || !strings.HasPrefix(proxy.Image, "caddy:") {
		t.Fatalf("no caddy service: %+v", proxy)
	}
	for _, name := range append([]string{"postgres", "caddy"}, replicas...) {
		h := c.Services[name].Healthcheck
		if h == nil || len(h.Test) < 2 || h.Interval == "" || h.Timeout == "" || h.Retries < 1 {
			t.Errorf("%s: incomplete health check %+v", name, h)
		}
	}
	for _, r := range replicas {
		if proxy.DependsOn[r]["condition"] != "service_healthy" {
			t.Errorf("caddy does not wait for %s to be healthy", r)
		}
	}
	if len(proxy.Ports) == 0 {
		t.Error("the proxy publishes no port")
	}
	for _, v := range pg.Volumes {
		name, _, _ := strings.Cut(v, ":")
		if _, ok := c.Volumes[name]; !ok && !strings.HasPrefix(name, ".") {
			t.Errorf("postgres volume %q is not declared", name)
		}
	}
}

// TestCaddyfile checks that the proxy balances over both replicas by their readiness.
func TestCaddyfile(t *testing.T) {
	t.Parallel()
	c := load(t)
	b, err := os.ReadFile("Caddyfile")
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	mounted := false
	for _, v := range c.Services["caddy"].Volumes {
		mounted = mounted || strings.HasPrefix(v, "./deploy/Caddyfile:/etc/caddy/Caddyfile")
	}
	if !mounted {
		t.Error("caddy does not mount deploy/Caddyfile")
	}
	proxy := regexp.MustCompile(`reverse_proxy ([^{]+)\{`).FindStringSubmatch(text)
	if proxy == nil {
		t.Fatal("no reverse_proxy block")
	}
	for name := range c.Services {
		if c.Services[name].Build != nil && !strings.Contains(proxy[1], name+":8080") {
			t.Errorf("reverse_proxy %q does not send to %s", proxy[1], name)
		}
	}
	if !strings.Contains(text, "health_uri /readyz") {
		t.Error("the proxy does not check /readyz")
	}
	if strings.Count(text, "{") != strings.Count(text, "}") {
		t.Error("unbalanced braces in the Caddyfile")
	}
}
