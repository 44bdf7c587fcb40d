package app

import (
	"time"

	"github.com/gongjian/gongjian/domain"
	"github.com/gongjian/gongjian/domain/people"
	"github.com/gongjian/gongjian/repository"
)

// newPeople wires the people service (API.md §10) on db.
func newPeople(db *repository.DB, clients *domain.ClientService, tokens domain.TokenIssuer, now func() time.Time) (*people.Service, error) {
	return people.NewService(people.Deps{
		Store: repository.NewPeople(db), Passes: repository.NewPasses(db), Service: repository.NewService(db), Claims: repository.NewClaims(db), Orgs: repository.NewOrgs(db), Partners: repository.NewPartners(db),
		Categories: domain.NewCatalog(repository.NewCategories(db)), Clients: repository.NewClients(db),
		Apps: clients, Tokens: tokens, Now: now,
	})
}
