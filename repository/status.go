package repository

import (
	"strings"

	"gorm.io/gorm"

	"github.com/gongjian/gongjian/domain"
)

// whereStatus narrows q to the rows matching any of terms, the domain's description of which
// stored rows read as the wanted statuses (domain.ClaimStatusTerms and its siblings). The
// stores decide nothing about statuses: they only name the column holding the deadline.
// No terms means no filter.
func whereStatus(q *gorm.DB, deadline string, terms []domain.StatusTerm) *gorm.DB {
	if len(terms) == 0 {
		return q
	}
	var (
		ors  []string
		args []any
	)
	for _, t := range terms {
		var and []string
		switch {
		case isWord(t.Stored):
			// A literal, not a parameter: a plan cached for the statement (pgx prepares it)
			// can then use a partial index on that status, such as claims_street_pending.
			and = append(and, "status = '"+t.Stored+"'")
		case t.Stored != "":
			and = append(and, "status = ?")
			args = append(args, t.Stored)
		}
		switch t.Deadline {
		case domain.DeadlineAhead:
			and = append(and, "("+deadline+" IS NULL OR "+deadline+" > ?)")
			args = append(args, t.Bound)
		case domain.DeadlinePassed:
			and = append(and, deadline+" <= ?")
			args = append(args, t.Bound)
		}
		if len(and) == 0 {
			return q // a term without conditions matches every row
		}
		ors = append(ors, "("+strings.Join(and, " AND ")+")")
	}
	return q.Where("("+strings.Join(ors, " OR ")+")", args...)
}

// isWord reports whether s is a non-empty run of lowercase ASCII letters and underscores, as
// every stored status is: safe to write into a statement as a literal.
func isWord(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 'a' || c > 'z') && c != '_' {
			return false
		}
	}
	return s != ""
}
