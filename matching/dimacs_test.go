package matching

import (
	"bytes"
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/gongjian/gongjian/matching/mcfgen"
)

const sampleDIMACS = `c a small transportation problem
c two sources, two sinks
p min 4 5
n 1 5
n 2 3
n 3 -4
n 4 -4
a 1 3 0 10 4
a 1 4 0 2 1
a 2 3 0 1 1
a 2 4 0 10 3
a 2 4 0 0 -7
`

func TestReadDIMACS(t *testing.T) {
	net, err := ReadDIMACS(strings.NewReader(sampleDIMACS))
	if err != nil {
		t.Fatal(err)
	}
	if net.NumNodes() != 4 || net.NumArcs() != 5 || net.Supply(0) != 5 || net.Supply(3) != -4 {
		t.Fatalf("parsed %d nodes, %d arcs", net.NumNodes(), net.NumArcs())
	}
	if from, to, lower, upper, cost := net.Arc(1); from != 0 || to != 3 || lower != 0 || upper != 2 || cost != 1 {
		t.Fatalf("arc 1 = %d %d %d %d %d", from, to, lower, upper, cost)
	}
	sol := mustSolve(t, net)
	if sol.Status != Optimal || sol.Cost != 21 {
		t.Fatalf("got %v %d, want optimal 21", sol.Status, sol.Cost)
	}
}

func TestRunDIMACS(t *testing.T) {
	var out bytes.Buffer
	if err := RunDIMACS(strings.NewReader(sampleDIMACS), &out, true); err != nil {
		t.Fatal(err)
	}
	want := regexp.MustCompile(`^s 21
f 1 3 3
f 1 4 2
f 2 3 1
f 2 4 2
c solve_ms \d+\.\d{3}
c pivots \d+ degenerate \d+
$`)
	if !want.MatchString(out.String()) {
		t.Fatalf("output:\n%s", out.String())
	}

	out.Reset()
	if err := RunDIMACS(strings.NewReader(sampleDIMACS), &out, false); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "s 21\nc solve_ms ") {
		t.Fatalf("output without flows:\n%s", out.String())
	}

	out.Reset()
	infeasible := "p min 2 1\nn 1 3\nn 2 -3\na 1 2 0 2 1\n"
	if err := RunDIMACS(strings.NewReader(infeasible), &out, true); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "s INFEASIBLE\nc solve_ms ") {
		t.Fatalf("infeasible output:\n%s", out.String())
	}

	out.Reset()
	unbounded := "p min 2 2\na 1 2 0 -1 -1\na 2 1 0 -1 0\n"
	if err := RunDIMACS(strings.NewReader(unbounded), &out, false); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "s UNBOUNDED\n") {
		t.Fatalf("unbounded output:\n%s", out.String())
	}
}

func TestReadDIMACSErrors(t *testing.T) {
	tests := []struct {
		name, input string
		line        int
		msg         string
	}{
		{"empty", "", 0, "missing problem line"},
		{"comments only", "c hello\n\n", 0, "missing problem line"},
		{"arc before problem", "c x\na 1 2 0 1 1\n", 2, "before the problem line"},
		{"wrong problem type", "p max 2 1\n", 1, `unsupported problem type "max"`},
		{"short problem line", "p min 2\n", 1, "needs 4 fields"},
		{"second problem line", "p min 2 0\np min 2 0\n", 2, "second problem line"},
		{"negative nodes", "p min -1 0\n", 1, "node count -1 out of range"},
		{"too many nodes", "p min 999999999999 0\n", 1, "node count 999999999999 out of range"},
		{"not a number", "p min 2 x1\n", 1, `arc count "x1" is not an integer`},
		{"number too big", "p min 2 1\na 1 2 0 99999999999999999999 1\n", 2, "capacity \"99999999999999999999\" is not an integer"},
		{"node id zero", "p min 2 0\nn 0 1\n", 2, "node id 0 out of range [1, 2]"},
		{"node id too big", "p min 2 0\nn 3 1\n", 2, "node id 3 out of range"},
		{"duplicate node", "p min 2 0\nn 1 1\nn 1 -1\n", 3, "second node line for node 1"},
		{"node line fields", "p min 2 0\nn 1\n", 2, "node line needs 3 fields"},
		{"arc line fields", "p min 2 1\na 1 2 0 1\n", 2, "arc line needs 6 fields"},
		{"arc target", "p min 2 1\na 1 5 0 1 1\n", 2, "target node 5 out of range"},
		{"capacity below lower", "p min 2 1\na 1 2 3 2 1\n", 2, "capacity 2 below lower bound 3"},
		{"too many arcs", "p min 2 1\na 1 2 0 1 1\na 1 2 0 1 1\n", 3, "more arc lines than the 1 declared"},
		{"too few arcs", "p min 2 2\na 1 2 0 1 1\n", 2, "declares 2 arcs, found 1"},
		{"unknown line", "p min 2 0\nx 1 2\n", 2, `unknown line type "x"`},
		{"long line", "p min 2 0\nn " + strings.Repeat("1", 5000) + " 1\n", 2, "line longer than"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadDIMACS(strings.NewReader(tc.input))
			var de *DIMACSError
			if !errors.As(err, &de) {
				t.Fatalf("err = %v, want a *DIMACSError", err)
			}
			if de.Line != tc.line || !strings.Contains(de.Msg, tc.msg) {
				t.Fatalf("got line %d %q, want line %d containing %q", de.Line, de.Msg, tc.line, tc.msg)
			}
		})
	}
}

func TestReadDIMACSLenient(t *testing.T) {
	// CRLF endings, tabs, blank lines, "c" glued to its text, a very long
	// comment, infinite capacity, a final line without newline.
	input := "comment\r\np\tmin 2 1\r\n\r\nc " + strings.Repeat("x", 100000) + "\nn 1 2\nn 2 -2\na 1 2 0 -1 3"
	net, err := ReadDIMACS(strings.NewReader(input))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, _, upper, _ := net.Arc(0); upper != Infinity {
		t.Fatalf("capacity -1 read as %d, want Infinity", upper)
	}
	if sol := mustSolve(t, net); sol.Cost != 6 {
		t.Fatalf("cost %d, want 6", sol.Cost)
	}
}

func TestDIMACSRoundTrip(t *testing.T) {
	in := mcfgen.Transport(60, 50, 8, 7)
	var buf bytes.Buffer
	if err := in.WriteDIMACS(&buf, "round trip"); err != nil {
		t.Fatal(err)
	}
	parsed, err := ReadDIMACS(&buf)
	if err != nil {
		t.Fatal(err)
	}
	direct := mustSolve(t, networkOf(in))
	viaFile := mustSolve(t, parsed)
	wantStatus, wantCost := sspMinCost(parsed)
	if direct.Status != Optimal || viaFile.Cost != direct.Cost || wantStatus != Optimal || wantCost != direct.Cost {
		t.Fatalf("direct %v/%d, via file %v/%d, reference %v/%d",
			direct.Status, direct.Cost, viaFile.Status, viaFile.Cost, wantStatus, wantCost)
	}
}

func FuzzReadDIMACS(f *testing.F) {
	f.Add([]byte(sampleDIMACS))
	f.Add([]byte("p min 2 2\na 1 2 0 -1 -1\na 2 1 0 -1 0\n"))
	f.Add([]byte("p min 3 2\nn 1 -9223372036854775808\nn 3 9223372036854775807\na 1 2 5 4 1\na 3 3 0 0 0\n"))
	f.Add([]byte("c\np min 1 1\na 1 1 -3 -1 -2\n"))
	// Small limits keep a fuzzed problem line from allocating much;
	// ReadDIMACS is the same code with larger ones.
	limits := dimacsLimits{nodes: 1 << 10, arcs: 1 << 12}
	f.Fuzz(func(t *testing.T, data []byte) {
		net, err := readDIMACS(bytes.NewReader(data), limits)
		if err != nil {
			var de *DIMACSError
			if !errors.As(err, &de) {
				t.Fatalf("error %v is not a *DIMACSError", err)
			}
			return
		}
		// Whatever parses must also solve without panicking, and any
		// optimal flow must be valid.
		if net.NumArcs() > 64 {
			return
		}
		sol, err := net.Solve()
		if err == nil && sol.Status == Optimal {
			if err := checkFlow(net, sol); err != nil {
				t.Fatal(err)
			}
		}
		var out bytes.Buffer
		if err := RunDIMACS(bytes.NewReader(data), &out, true); err != nil && !errors.Is(err, ErrOverflow) {
			t.Fatalf("RunDIMACS: %v", err)
		}
	})
}
