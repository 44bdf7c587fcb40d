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
		if t.Stored != "" {
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
