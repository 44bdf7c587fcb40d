// Package matching is the pure matching engine of gongjian: it pairs the
// offers that units and communities publish (spare capacity per time
// occurrence) with the needs they post (a quantity wanted).
//
// The package has three layers, all deterministic and free of I/O beyond
// the readers and writers a caller hands in:
//
//   - Candidate generation: an [Index] of listings on a uniform lat/lng
//     grid, the compatibility rules and the score of a pair ([Evaluate]),
//     and the best suggestions for one listing ([TopK], [CandidateEdges]).
//   - Allocation: [Allocate] splits a run's offer/need graph into connected
//     components and, for each, finds quantities that maximise the total
//     score exactly, by min-cost flow, solving components in parallel.
//     [AllocateWarm] also returns a [Basis] (each component's optimum),
//     from which the next run of the same street restarts: after changes
//     of amounts only, by repairing each changed component's optimum with
//     shortest augmenting paths.
//   - The min-cost flow solver itself: [Network], a primal network simplex
//     with a block-search pivot rule, a crash start where the network
//     has a transportation-like layer (heuristic initial pivots where it
//     has not), warm starts from a suggested tree, and DIMACS I/O around it
//     ([ReadDIMACS], [RunDIMACS]).
//
// Rules the package keeps so that it stays easy to test and to reuse: only
// the standard library, no database, no context, and no wall clock. Times
// are values passed in by the caller; the one exception is [RunDIMACS],
// which reads the monotonic clock solely to report how long the solve took.
package matching
