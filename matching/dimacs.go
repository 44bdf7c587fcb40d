package matching

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
)

// DIMACSError reports malformed DIMACS input and the line it was found on
// (1-based; 0 when the problem is with the file as a whole).
type DIMACSError struct {
	Line int
	Msg  string
}

func (e *DIMACSError) Error() string {
	if e.Line == 0 {
		return "dimacs: " + e.Msg
	}
	return fmt.Sprintf("dimacs: line %d: %s", e.Line, e.Msg)
}

// dimacsLimits bounds what a problem line may declare, so that a short
// hostile file cannot make the reader allocate gigabytes.
type dimacsLimits struct {
	nodes, arcs int
}

// defaultDIMACSLimits allow instances far beyond the benchmark sizes while
// keeping allocations for a declared-but-absent instance under ~1 GiB.
var defaultDIMACSLimits = dimacsLimits{nodes: 1 << 25, arcs: 1 << 28}

// maxDIMACSLine is the longest non-comment line accepted; real lines are
// a few dozen bytes, so anything longer is garbage.
const maxDIMACSLine = 4096

// ReadDIMACS parses a min-cost flow problem in DIMACS format:
//
//	c any comment
//	p min NODES ARCS
//	n ID SUPPLY                (supply > 0 for sources, < 0 for sinks)
//	a SRC DST LOW CAP COST     (one line per arc, exactly ARCS of them)
//
// Any line whose first non-blank character is c is a comment. Node ids
// are 1-based and become nodes ID-1 of the network; arcs keep
// their order, so arc i of the network is the i-th "a" line. A CAP of -1
// stands for an infinite capacity. Blank lines are ignored. Malformed input
// yields a *DIMACSError naming the line.
func ReadDIMACS(r io.Reader) (*Network, error) {
	return readDIMACS(r, defaultDIMACSLimits)
}

func readDIMACS(r io.Reader, limits dimacsLimits) (*Network, error) {
	p := dimacsParser{br: bufio.NewReaderSize(r, 1<<16), limits: limits}
	for {
		line, err := p.nextLine()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if err := p.parseLine(line); err != nil {
			return nil, err
		}
	}
	switch {
	case p.net == nil:
		return nil, &DIMACSError{Msg: "missing problem line (p min NODES ARCS)"}
	case p.net.NumArcs() != p.arcs:
		return nil, &DIMACSError{Line: p.line, Msg: fmt.Sprintf(
			"problem line declares %d arcs, found %d", p.arcs, p.net.NumArcs())}
	}
	return p.net, nil
}

type dimacsParser struct {
	br      *bufio.Reader
	limits  dimacsLimits
	line    int
	fields  [][]byte
	net     *Network
	arcs    int    // declared arc count
	hasNode []bool // nodes that already had an "n" line
}

// nextLine returns the next line without its line ending.
func (p *dimacsParser) nextLine() ([]byte, error) {
	line, err := p.br.ReadSlice('\n')
	if len(line) == 0 && err == io.EOF {
		return nil, io.EOF
	}
	p.line++
	if errors.Is(err, bufio.ErrBufferFull) {
		// Only a comment may be this long; skip the rest of it.
		if bytes.HasPrefix(bytes.TrimLeft(line, " \t"), []byte("c")) {
			for errors.Is(err, bufio.ErrBufferFull) {
				_, err = p.br.ReadSlice('\n')
			}
			if err != nil && err != io.EOF {
				return nil, err
			}
			return nil, nil
		}
		return nil, p.errorf("line longer than %d bytes", maxDIMACSLine)
	}
	if err != nil && err != io.EOF {
		return nil, err
	}
	if len(line) > maxDIMACSLine && !bytes.HasPrefix(bytes.TrimLeft(line, " \t"), []byte("c")) {
		return nil, p.errorf("line longer than %d bytes", maxDIMACSLine)
	}
	return bytes.TrimRight(line, "\r\n"), nil
}

func (p *dimacsParser) errorf(format string, args ...any) error {
	return &DIMACSError{Line: p.line, Msg: fmt.Sprintf(format, args...)}
}

func (p *dimacsParser) parseLine(line []byte) error {
	p.fields = splitFields(line, p.fields[:0])
	if len(p.fields) == 0 {
		return nil
	}
	kind := p.fields[0]
	switch {
	case kind[0] == 'c':
		// Like other DIMACS readers, take any line starting with c as a
		// comment, not only "c" followed by a blank.
		return nil
	case len(kind) == 1 && kind[0] == 'p':
		return p.parseProblem()
	case p.net == nil && len(kind) == 1 && (kind[0] == 'n' || kind[0] == 'a'):
		return p.errorf("%q line before the problem line", kind)
	case len(kind) == 1 && kind[0] == 'n':
		return p.parseNode()
	case len(kind) == 1 && kind[0] == 'a':
		return p.parseArc()
	}
	return p.errorf("unknown line type %q (want c, p, n or a)", truncate(kind))
}

func (p *dimacsParser) parseProblem() error {
	if p.net != nil {
		return p.errorf("second problem line")
	}
	if len(p.fields) != 4 {
		return p.errorf("problem line needs 4 fields (p min NODES ARCS), got %d", len(p.fields))
	}
	if string(p.fields[1]) != "min" {
		return p.errorf("unsupported problem type %q, want \"min\"", truncate(p.fields[1]))
	}
	nodes, err := p.intField(2, "node count", 0, int64(p.limits.nodes))
	if err != nil {
		return err
	}
	arcs, err := p.intField(3, "arc count", 0, int64(p.limits.arcs))
	if err != nil {
		return err
	}
	p.net = NewNetwork(int(nodes))
	// Trust the declared count only up to a point when preallocating.
	p.net.arcs = make([]arcSpec, 0, min(arcs, 1<<20))
	p.arcs = int(arcs)
	p.hasNode = make([]bool, nodes)
	return nil
}

func (p *dimacsParser) parseNode() error {
	if len(p.fields) != 3 {
		return p.errorf("node line needs 3 fields (n ID SUPPLY), got %d", len(p.fields))
	}
	id, err := p.intField(1, "node id", 1, int64(p.net.NumNodes()))
	if err != nil {
		return err
	}
	supply, err := p.intField(2, "supply", math.MinInt64, math.MaxInt64)
	if err != nil {
		return err
	}
	if p.hasNode[id-1] {
		return p.errorf("second node line for node %d", id)
	}
	p.hasNode[id-1] = true
	p.net.SetSupply(int(id-1), supply)
	return nil
}

func (p *dimacsParser) parseArc() error {
	if len(p.fields) != 6 {
		return p.errorf("arc line needs 6 fields (a SRC DST LOW CAP COST), got %d", len(p.fields))
	}
	if p.net.NumArcs() == p.arcs {
		return p.errorf("more arc lines than the %d declared", p.arcs)
	}
	n := int64(p.net.NumNodes())
	var v [5]int64
	names := [5]string{"source node", "target node", "lower bound", "capacity", "cost"}
	for i := range v {
		lo, hi := int64(math.MinInt64), int64(math.MaxInt64)
		if i < 2 {
			lo, hi = 1, n
		}
		var err error
		if v[i], err = p.intField(i+1, names[i], lo, hi); err != nil {
			return err
		}
	}
	lower, capacity := v[2], v[3]
	switch {
	case capacity == -1:
		capacity = Infinity
	case capacity < lower:
		return p.errorf("capacity %d below lower bound %d (use -1 for infinite)", capacity, lower)
	}
	p.net.AddArc(int(v[0]-1), int(v[1]-1), lower, capacity, v[4])
	return nil
}

// intField parses field i as an integer in [lo, hi].
func (p *dimacsParser) intField(i int, what string, lo, hi int64) (int64, error) {
	x, ok := parseInt64(p.fields[i])
	if !ok {
		return 0, p.errorf("%s %q is not an integer", what, truncate(p.fields[i]))
	}
	if x < lo || x > hi {
		return 0, p.errorf("%s %d out of range [%d, %d]", what, x, lo, hi)
	}
	return x, nil
}

// splitFields splits on spaces and tabs, appending to dst.
func splitFields(line []byte, dst [][]byte) [][]byte {
	i := 0
	for i < len(line) {
		for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
			i++
		}
		start := i
		for i < len(line) && line[i] != ' ' && line[i] != '\t' {
			i++
		}
		if i > start {
			dst = append(dst, line[start:i])
		}
	}
	return dst
}

// parseInt64 parses an optionally signed decimal integer without
// allocating; strconv would need a string per field.
func parseInt64(b []byte) (int64, bool) {
	neg := false
	if len(b) > 0 && (b[0] == '-' || b[0] == '+') {
		neg = b[0] == '-'
		b = b[1:]
	}
	if len(b) == 0 {
		return 0, false
	}
	// Accumulate as a negative number: its range is one larger, which
	// lets math.MinInt64 parse.
	var x int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		d := int64(c - '0')
		if x < (math.MinInt64+d)/10 {
			return 0, false
		}
		x = x*10 - d
	}
	if !neg {
		if x == math.MinInt64 {
			return 0, false
		}
		x = -x
	}
	return x, true
}

// truncate keeps error messages short when a field is huge.
func truncate(b []byte) string {
	if len(b) > 32 {
		return string(b[:32]) + "…"
	}
	return string(b)
}
