package repository

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"gorm.io/gorm"

	"github.com/gongjian/gongjian/domain"
)

type runRow struct {
	ID         string
	StreetID   string
	CreatedBy  string
	Categories string
	RangeFrom  time.Time
	RangeTo    time.Time
	Objective  float64
	Stats      string
	CreatedAt  time.Time
}

func (runRow) TableName() string { return "matching_runs" }

type proposalRow struct {
	ID          string
	RunID       string
	Position    int
	NeedID      string
	OfferID     string
	Quantity    int64
	Score       float64
	AgreementID sql.NullString
	ClaimID     sql.NullString
}

func (proposalRow) TableName() string { return "matching_proposals" }

type runStatsJSON struct {
	Needs           int     `json:"needs"`
	Offers          int     `json:"offers"`
	Candidates      int     `json:"candidates"`
	MatchedQuantity int64   `json:"matched_quantity"`
	UnmetQuantity   int64   `json:"unmet_quantity"`
	ElapsedMS       float64 `json:"elapsed_ms"`
}

func (r proposalRow) toDomain() domain.Proposal {
	return domain.Proposal{ID: r.ID, RunID: r.RunID, Position: r.Position, NeedID: r.NeedID, OfferID: r.OfferID,
		Quantity: r.Quantity, Score: r.Score, AgreementID: r.AgreementID.String, ClaimID: r.ClaimID.String}
}

// Runs is the domain.RunStore.
type Runs struct{ db *DB }

// NewRuns returns the matching run store of db.
func NewRuns(db *DB) *Runs { return &Runs{db: db} }

// CreateRun stores a run and its proposals.
func (s *Runs) CreateRun(ctx context.Context, r domain.Run) error {
	cats, err := json.Marshal(r.Categories)
	if err != nil {
		return err
	}
	st := r.Stats
	stats, err := json.Marshal(runStatsJSON{st.Needs, st.Offers, st.Candidates, st.MatchedQuantity, st.UnmetQuantity, st.ElapsedMS})
	if err != nil {
		return err
	}
	row := runRow{ID: r.ID, StreetID: r.StreetID, CreatedBy: r.CreatedBy, Categories: string(cats),
		RangeFrom: r.From.UTC(), RangeTo: r.To.UTC(), Objective: r.Objective, Stats: string(stats), CreatedAt: r.CreatedAt.UTC()}
	props := make([]proposalRow, len(r.Proposals))
	for i, p := range r.Proposals {
		props[i] = proposalRow{ID: p.ID, RunID: r.ID, Position: p.Position, NeedID: p.NeedID, OfferID: p.OfferID,
			Quantity: p.Quantity, Score: p.Score, AgreementID: nullString(p.AgreementID)}
	}
	return s.db.inTx(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(&row).Error; err != nil {
			return err
		}
		noteCreated(tx, "matching/runs/"+r.ID)
		if len(props) == 0 {
			return nil
		}
		return tx.CreateInBatches(props, 500).Error
	})
}

// GetRun loads a run with its proposals in order.
func (s *Runs) GetRun(ctx context.Context, id string) (domain.Run, error) {
	var row runRow
	if err := s.db.conn(ctx).Take(&row, "id = ?", id).Error; err != nil {
		return domain.Run{}, translate(err)
	}
	var props []proposalRow
	if err := s.db.conn(ctx).Where("run_id = ?", id).Order("position").Find(&props).Error; err != nil {
		return domain.Run{}, translate(err)
	}
	r, err := row.toDomain()
	if err != nil {
		return r, err
	}
	r.Proposals = make([]domain.Proposal, len(props))
	for i, p := range props {
		r.Proposals[i] = p.toDomain()
	}
	return r, nil
}

// ListRuns lists a street's runs newest first (ids are UUIDv7, so id order is creation order),
// without proposals.
func (s *Runs) ListRuns(ctx context.Context, f domain.RunFilter) ([]domain.Run, error) {
	q := s.db.conn(ctx).Where("street_id = ?", f.StreetID)
	if f.Page.After != "" {
		q = q.Where("id < ?", f.Page.After)
	}
	if f.Page.Limit > 0 {
		q = q.Limit(f.Page.Limit + 1)
	}
	var rows []runRow
	if err := q.Order("id DESC").Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make([]domain.Run, len(rows))
	for i, row := range rows {
		r, err := row.toDomain()
		if err != nil {
			return nil, err
		}
		out[i] = r
	}
	return out, nil
}

func (row runRow) toDomain() (domain.Run, error) {
	r := domain.Run{ID: row.ID, StreetID: row.StreetID, CreatedBy: row.CreatedBy, From: row.RangeFrom.UTC(),
		To: row.RangeTo.UTC(), Objective: row.Objective, CreatedAt: row.CreatedAt.UTC()}
	if err := json.Unmarshal([]byte(row.Categories), &r.Categories); err != nil {
		return r, err
	}
	var st runStatsJSON
	if err := json.Unmarshal([]byte(row.Stats), &st); err != nil {
		return r, err
	}
	r.Stats = domain.RunStats{Needs: st.Needs, Offers: st.Offers, Candidates: st.Candidates,
		MatchedQuantity: st.MatchedQuantity, UnmetQuantity: st.UnmetQuantity, ElapsedMS: st.ElapsedMS}
	return r, nil
}

// GetProposal loads one proposal.
func (s *Runs) GetProposal(ctx context.Context, id string) (domain.Proposal, error) {
	var row proposalRow
	if err := s.db.conn(ctx).Take(&row, "id = ?", id).Error; err != nil {
		return domain.Proposal{}, translate(err)
	}
	return row.toDomain(), nil
}

// markProposal records, inside the claim's transaction, that the proposal became claim; a
// proposal accepted meanwhile (by another request or replica) is domain.ErrConflict.
func markProposal(tx *gorm.DB, proposalID, claimID string) error {
	res := tx.Model(&proposalRow{}).Where("id = ? AND claim_id IS NULL", proposalID).Update("claim_id", claimID)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return domain.Detailed(domain.ErrConflict, nil, "the proposal was already accepted")
	}
	return nil
}
