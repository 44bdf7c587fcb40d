// Package people is the capability of API.md §10: people (个人) — residents and in-service party
// members (在职党员) who register (报到) with the community they live in — and the mini-programs
// that act for them. It owns the person model and its state changes, the permission table for
// people, the store interface it needs, and the service that registers, verifies, searches and
// deactivates people and exchanges an app's credentials for a person token (RFC 8693).
//
// It builds on package domain (principals, orgs, errors, events) and is used by the api and
// repository packages; domain never imports it.
package people
