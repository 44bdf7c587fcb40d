package app

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/gongjian/gongjian/domain"
)

// Config is everything the service reads from its environment (GONGJIAN_*), with defaults.
type Config struct {
	Addr           string        // GONGJIAN_ADDR, default :8080
	DatabaseURL    string        // GONGJIAN_DATABASE_URL: postgres://… or a SQLite file, default gongjian.db
	BootstrapAdmin string        // GONGJIAN_BOOTSTRAP_ADMIN=username:password
	JWTSecret      []byte        // GONGJIAN_JWT_SECRET (base64, ≥ 32 bytes); stored keys are used when empty
	AccessTTL      time.Duration // GONGJIAN_ACCESS_TOKEN_TTL, default 15m
	RefreshTTL     time.Duration // GONGJIAN_REFRESH_TOKEN_TTL, default 720h
	ClaimHold      time.Duration // GONGJIAN_CLAIM_HOLD, default 72h
	BcryptCost     int           // GONGJIAN_BCRYPT_COST, default 12
	LogLevel       string        // GONGJIAN_LOG_LEVEL: debug, info (default), warn, error
	LogFormat      string        // GONGJIAN_LOG_FORMAT: json (default) or text
	MetricsToken   string        // GONGJIAN_METRICS_TOKEN: lets a scraper read /metrics
	// TrustedProxies (GONGJIAN_TRUSTED_PROXIES, comma-separated CIDRs) are the reverse proxies
	// whose X-Forwarded-For names the client; none by default.
	TrustedProxies []*net.IPNet
	// ClientSecretGrace is how long an app's rotated-out secret keeps working
	// (GONGJIAN_CLIENT_SECRET_GRACE, default 24h; 0 ends it at once).
	ClientSecretGrace time.Duration
	// WebhookAllowPrivate (GONGJIAN_WEBHOOK_ALLOW_PRIVATE=true|false, default false) lets webhook
	// URLs use http and reach loopback, private and link-local addresses: for local development
	// only, since it lets anyone who may create a webhook make the server call internal hosts.
	WebhookAllowPrivate bool
	// RequestTimeout (GONGJIAN_REQUEST_TIMEOUT, default 30s) bounds every request end to end; on
	// PostgreSQL it is also each connection's statement_timeout and lock_timeout.
	RequestTimeout time.Duration
	// ShutdownDrain (GONGJIAN_SHUTDOWN_DRAIN, default 5s; 0 for none) is how long /readyz
	// answers 503 after SIGTERM before the listener closes, so load balancers stop sending first.
	ShutdownDrain time.Duration
	// Clock is the one clock of the service; time.Now when nil. Not from the environment: tests
	// set it to move time across months.
	Clock func() time.Time
	// PprofAddr (GONGJIAN_PPROF_ADDR, e.g. 127.0.0.1:6060) serves net/http/pprof on a listener of
	// its own, for profiling under load; off when empty. Only loopback addresses are accepted:
	// profiles show internals and cost CPU, so they are never reachable from outside.
	PprofAddr string
}

// String hides secrets so a logged config leaks nothing.
func (c Config) String() string {
	db := c.DatabaseURL
	if i := strings.Index(db, "@"); i >= 0 {
		if j := strings.Index(db, "://"); j >= 0 && j < i {
			db = db[:j+3] + "***" + db[i:]
		}
	}
	return fmt.Sprintf("addr=%s database=%s access_ttl=%s refresh_ttl=%s claim_hold=%s request_timeout=%s", c.Addr, db, c.AccessTTL, c.RefreshTTL, c.ClaimHold, c.RequestTimeout)
}

// LoadConfig reads the configuration; it fails on any malformed value rather than guessing.
func LoadConfig(getenv func(string) string) (Config, error) {
	c := Config{
		Addr:           or(getenv("GONGJIAN_ADDR"), ":8080"),
		DatabaseURL:    or(getenv("GONGJIAN_DATABASE_URL"), "gongjian.db"),
		BootstrapAdmin: getenv("GONGJIAN_BOOTSTRAP_ADMIN"),
		LogLevel:       or(getenv("GONGJIAN_LOG_LEVEL"), "info"),
		LogFormat:      or(getenv("GONGJIAN_LOG_FORMAT"), "json"),
		MetricsToken:   getenv("GONGJIAN_METRICS_TOKEN"),
		PprofAddr:      getenv("GONGJIAN_PPROF_ADDR"),
	}
	var errs []error
	for _, cidr := range strings.Split(getenv("GONGJIAN_TRUSTED_PROXIES"), ",") {
		if cidr = strings.TrimSpace(cidr); cidr == "" {
			continue
		}
		if !strings.Contains(cidr, "/") { // a single address
			if strings.Contains(cidr, ":") {
				cidr += "/128"
			} else {
				cidr += "/32"
			}
		}
		_, n, err := net.ParseCIDR(cidr)
		if err != nil {
			errs = append(errs, fmt.Errorf("GONGJIAN_TRUSTED_PROXIES: %q is not an address or CIDR", cidr))
			continue
		}
		c.TrustedProxies = append(c.TrustedProxies, n)
	}
	dur := func(name string, def time.Duration) time.Duration {
		s := getenv(name)
		if s == "" {
			return def
		}
		d, err := time.ParseDuration(s)
		if err != nil || d <= 0 {
			errs = append(errs, fmt.Errorf("%s: want a positive duration such as 72h, got %q", name, s))
			return def
		}
		return d
	}
	c.AccessTTL = dur("GONGJIAN_ACCESS_TOKEN_TTL", 15*time.Minute)
	c.RefreshTTL = dur("GONGJIAN_REFRESH_TOKEN_TTL", 30*24*time.Hour)
	c.ClaimHold = dur("GONGJIAN_CLAIM_HOLD", 72*time.Hour)
	c.RequestTimeout = dur("GONGJIAN_REQUEST_TIMEOUT", 30*time.Second)
	c.ShutdownDrain = 5 * time.Second
	if s := getenv("GONGJIAN_SHUTDOWN_DRAIN"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d < 0 {
			errs = append(errs, fmt.Errorf("GONGJIAN_SHUTDOWN_DRAIN: want a duration of 0 or more such as 5s, got %q", s))
		}
		c.ShutdownDrain = d
	}
	c.ClientSecretGrace = domain.DefaultClientSecretGrace
	if s := getenv("GONGJIAN_CLIENT_SECRET_GRACE"); s != "" {
		// Unlike the durations above, 0 is meaningful here: rotate without overlap.
		d, err := time.ParseDuration(s)
		if err != nil || d < 0 {
			errs = append(errs, fmt.Errorf("GONGJIAN_CLIENT_SECRET_GRACE: want a duration of 0 or more such as 24h, got %q", s))
		}
		c.ClientSecretGrace = d
	}
	if c.PprofAddr != "" {
		host, _, err := net.SplitHostPort(c.PprofAddr)
		if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
			errs = append(errs, fmt.Errorf("GONGJIAN_PPROF_ADDR: want a loopback host:port such as 127.0.0.1:6060, got %q", c.PprofAddr))
		}
	}
	switch s := getenv("GONGJIAN_WEBHOOK_ALLOW_PRIVATE"); s {
	case "", "false":
	case "true":
		c.WebhookAllowPrivate = true
	default:
		errs = append(errs, fmt.Errorf("GONGJIAN_WEBHOOK_ALLOW_PRIVATE: want true or false, got %q", s))
	}
	c.BcryptCost = 12
	if s := getenv("GONGJIAN_BCRYPT_COST"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 4 || n > 31 {
			errs = append(errs, fmt.Errorf("GONGJIAN_BCRYPT_COST: want 4–31, got %q", s))
		}
		c.BcryptCost = n
	}
	if s := getenv("GONGJIAN_JWT_SECRET"); s != "" {
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil || len(b) < 32 {
			errs = append(errs, errors.New("GONGJIAN_JWT_SECRET: want base64 of at least 32 random bytes"))
		}
		c.JWTSecret = b
	}
	if c.BootstrapAdmin != "" {
		if u, p, ok := strings.Cut(c.BootstrapAdmin, ":"); !ok || u == "" || len(p) < 8 {
			errs = append(errs, errors.New("GONGJIAN_BOOTSTRAP_ADMIN: want username:password with a password of at least 8 characters"))
		}
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("GONGJIAN_LOG_LEVEL: want debug, info, warn or error, got %q", c.LogLevel))
	}
	switch c.LogFormat {
	case "json", "text":
	default:
		errs = append(errs, fmt.Errorf("GONGJIAN_LOG_FORMAT: want json or text, got %q", c.LogFormat))
	}
	return c, errors.Join(errs...)
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
