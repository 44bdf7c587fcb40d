// Package domain holds gongjian's business model: organisations, users, principals and their
// permissions, listings, agreements and claims with their state machines, and the services that
// carry out use cases over store interfaces declared here and implemented by package repository.
//
// The package depends on the standard library only, plus github.com/google/uuid for identifiers,
// golang.org/x/crypto/bcrypt for password hashes, and the pure sub-packages geo and schedule.
package domain
