package mcfgen_test

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/gongjian/gongjian/matching"
	"github.com/gongjian/gongjian/matching/mcfgen"
)

func TestTransportIsDeterministicAndFeasible(t *testing.T) {
	in := mcfgen.Transport(40, 30, 6, 11)
	if again := mcfgen.Transport(40, 30, 6, 11); !reflect.DeepEqual(in, again) {
		t.Fatal("same seed gave different instances")
	}
	if other := mcfgen.Transport(40, 30, 6, 12); reflect.DeepEqual(in, other) {
		t.Fatal("different seeds gave the same instance")
	}
	if len(in.Supply) != 70 || len(in.Arcs) != 40*6 {
		t.Fatalf("%d nodes, %d arcs", len(in.Supply), len(in.Arcs))
	}
	var buf bytes.Buffer
	if err := in.WriteDIMACS(&buf, "test"); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(buf.String(), "c test\np min 70 240\n") {
		t.Fatalf("unexpected header: %.40q", buf.String())
	}
	net, err := matching.ReadDIMACS(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if sol, err := net.Solve(); err != nil || sol.Status != matching.Optimal {
		t.Fatalf("planted instance not feasible: %v %v", sol.Status, err)
	}
}
