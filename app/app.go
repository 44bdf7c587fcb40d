// Package app wires gongjian together: it opens and migrates the database, builds the stores,
// the domain services and the HTTP server. Both the command and the API tests use it, so what
// the tests drive is what users run.
package app

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/gongjian/gongjian/api"
	"github.com/gongjian/gongjian/docs"
	"github.com/gongjian/gongjian/domain"
	"github.com/gongjian/gongjian/domain/people"
	"github.com/gongjian/gongjian/repository"
	"github.com/gongjian/gongjian/tokens"
	"github.com/gongjian/gongjian/webhooks"
)

// App is a wired service.
type App struct {
	Config    Config
	DB        *repository.DB
	Handler   *echo.Echo
	Directory *domain.Directory
	Market    *domain.Marketplace
	Idem      *repository.Idempotency
	// Webhooks delivers webhooks; StartBackground runs it.
	Webhooks *webhooks.Dispatcher
	// People is the people service (API.md §10); Clients registers apps.
	People  *people.Service
	Clients *domain.ClientService
	// Metrics are the series of /metrics; the background jobs report to them too.
	Metrics *api.Metrics
	Log     *slog.Logger
	// Now is the service's one clock (Config.Clock, or time.Now).
	Now func() time.Time
	// draining is set when shutdown begins (BeginDrain): /readyz answers 503 from then on.
	draining atomic.Bool
	// Crash, for tests only, simulates a process dying at a named point of a request.
	Crash func(point string) bool
}

// BeginDrain makes /readyz answer 503 so load balancers stop sending; requests still run.
func (a *App) BeginDrain() { a.draining.Store(true) }

// New opens the database named by cfg, migrates it, and builds the service.
func New(ctx context.Context, cfg Config, log *slog.Logger) (*App, error) {
	db, err := repository.OpenWith(ctx, cfg.DatabaseURL, log, repository.Options{StatementTimeout: cfg.RequestTimeout})
	if err != nil {
		return nil, err
	}
	a, err := build(ctx, cfg, db, log)
	if err != nil {
		_ = db.Close()
		return nil, err
	}
	return a, nil
}

// Close releases the database.
func (a *App) Close() error { return a.DB.Close() }

func build(ctx context.Context, cfg Config, db *repository.DB, log *slog.Logger) (*App, error) {
	if err := db.Migrate(ctx); err != nil {
		return nil, err
	}
	clock := cfg.Clock
	if clock == nil {
		clock = time.Now
	}
	now := func() time.Time { return clock().UTC() }
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = 30 * time.Second
	}
	a := &App{Config: cfg, DB: db, Log: log, Now: now}
	keys := repository.NewKeys(db)
	if len(cfg.JWTSecret) == 0 {
		if err := keys.EnsureKey(ctx, now()); err != nil {
			return nil, fmt.Errorf("signing key: %w", err)
		}
	}
	jwts, err := tokens.NewJWTs(ctx, keys, cfg.JWTSecret, cfg.AccessTTL, now)
	if err != nil {
		return nil, err
	}
	hasher := domain.PasswordHasher{Cost: cfg.BcryptCost}
	users := repository.NewUsers(db)
	clients, err := domain.NewClientService(repository.NewClients(db), repository.NewOrgs(db), jwts, cfg.ClientSecretGrace, now)
	if err != nil {
		return nil, err
	}
	persons, err := newPeople(db, clients, jwts, now)
	if err != nil {
		return nil, err
	}
	auth, err := domain.NewAuthService(users, repository.NewAuth(db), repository.NewThrottles(db), jwts, hasher, cfg.RefreshTTL, now, domain.WithPersons(persons))
	if err != nil {
		return nil, err
	}
	dir, err := domain.NewDirectory(repository.NewOrgs(db), users, repository.NewPartners(db), hasher, now)
	if err != nil {
		return nil, err
	}
	if cfg.BootstrapAdmin != "" {
		name, pw, _ := strings.Cut(cfg.BootstrapAdmin, ":")
		created, err := dir.Bootstrap(ctx, "District", name, pw)
		if err != nil {
			return nil, fmt.Errorf("bootstrap admin: %w", err)
		}
		if created {
			log.Info("created bootstrap admin", "username", strings.ToLower(name))
		}
	}
	market, err := domain.NewMarketplace(domain.MarketplaceStores{
		Orgs: repository.NewOrgs(db), Categories: repository.NewCategories(db), Listings: repository.NewListings(db),
		Agreements: repository.NewAgreements(db), Claims: repository.NewClaims(db), Runs: repository.NewRuns(db),
	}, cfg.ClaimHold, now)
	if err != nil {
		return nil, err
	}
	feed, err := domain.NewFeed(repository.NewEvents(db))
	if err != nil {
		return nil, err
	}
	stats, err := domain.NewStats(repository.NewStats(db), now)
	if err != nil {
		return nil, err
	}
	hookStore := repository.NewWebhooks(db)
	hooks, err := domain.NewWebhookService(hookStore, net.DefaultResolver, cfg.WebhookAllowPrivate, now)
	if err != nil {
		return nil, err
	}
	metrics := api.NewMetrics()
	// Two pools (repository.DB): plain reads under the engine's name, transactions under
	// "<engine>_tx".
	if err := metrics.Register(collectors.NewDBStatsCollector(db.SQL(), db.Dialect())); err != nil {
		return nil, err
	}
	if err := metrics.Register(collectors.NewDBStatsCollector(db.TxSQL(), db.Dialect()+"_tx")); err != nil {
		return nil, err
	}
	dispatcher, err := webhooks.New(webhooks.Options{
		Store: hookStore, Events: repository.NewEvents(db), Client: webhooks.NewHTTPClient(cfg.WebhookAllowPrivate), Log: log,
		Now:     now,
		Observe: metrics.WebhookDelivery,
	})
	if err != nil {
		return nil, err
	}
	idem := repository.NewIdempotency(db)
	namer, err := domain.NewNamer(repository.NewNames(db))
	if err != nil {
		return nil, err
	}
	e, err := api.New(api.Deps{
		Log: log, Tokens: jwts, Auth: auth, Directory: dir, Market: market,
		Catalog: domain.NewCatalog(repository.NewCategories(db)), Clients: clients, Idem: idem, Ready: db.Ping, OpenAPI: docs.OpenAPI,
		MetricsToken: cfg.MetricsToken, TrustedProxies: cfg.TrustedProxies, Feed: feed, Stats: stats,
		Webhooks: hooks, Names: namer, People: persons, Metrics: metrics, Now: now, RequestTimeout: cfg.RequestTimeout,
		Draining: a.draining.Load, Crash: func(point string) bool { return a.Crash != nil && a.Crash(point) },
	})
	if err != nil {
		return nil, err
	}
	a.Handler, a.Directory, a.Market, a.Idem, a.Webhooks, a.People, a.Metrics = e, dir, market, idem, dispatcher, persons, metrics
	a.Clients = clients
	return a, nil
}
