package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestRunCommands(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "t.min")
	dimacs := "c tiny\np min 4 5\nn 1 4\nn 4 -4\na 1 2 0 4 2\na 1 3 0 2 2\na 2 3 0 2 1\na 2 4 0 3 3\na 3 4 0 5 1\n"
	if err := os.WriteFile(file, []byte(dimacs), 0o600); err != nil {
		t.Fatal(err)
	}
	env := func(string) string { return "" }
	cases := []struct {
		args    []string
		want    string
		wantErr bool
	}{
		{[]string{"version"}, "gongjian dev", false},
		{[]string{"mcf", file}, "s 14\n", false},
		{[]string{"mcf", file, "--flows"}, "f 3 4 4\n", false},
		{[]string{"mcf", "--flows", file}, "f 1 3 2\n", false},
		{[]string{"mcf"}, "", true},
		{[]string{"mcf", filepath.Join(t.TempDir(), "missing")}, "", true},
		{[]string{"frobnicate"}, "", true},
		{nil, "", true},
	}
	for _, tc := range cases {
		var out, errOut bytes.Buffer
		err := run(context.Background(), tc.args, env, &out, &errOut)
		if (err != nil) != tc.wantErr {
			t.Errorf("%v: err = %v", tc.args, err)
		}
		if !strings.Contains(out.String(), tc.want) {
			t.Errorf("%v: output %q lacks %q", tc.args, out.String(), tc.want)
		}
	}
}

func TestServeRejectsBadConfig(t *testing.T) {
	t.Parallel()
	env := func(k string) string {
		if k == "GONGJIAN_CLAIM_HOLD" {
			return "soon"
		}
		return ""
	}
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"serve"}, env, &out, &errOut); err == nil || !strings.Contains(err.Error(), "GONGJIAN_CLAIM_HOLD") {
		t.Fatalf("serve with a bad duration: %v", err)
	}
}

func TestKeysRotation(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "k.db")
	env := func(k string) string {
		if k == "GONGJIAN_DATABASE_URL" {
			return db
		}
		return ""
	}
	keysOf := func() []string {
		var out, errOut bytes.Buffer
		if err := run(context.Background(), []string{"keys", "list"}, env, &out, &errOut); err != nil {
			t.Fatal(err, errOut.String())
		}
		var kids []string
		for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
			if line != "" {
				kids = append(kids, strings.Fields(line)[0])
			}
		}
		return kids
	}
	var out, errOut bytes.Buffer
	for i := 0; i < 2; i++ {
		if err := run(context.Background(), []string{"keys", "rotate"}, env, &out, &errOut); err != nil {
			t.Fatal(err)
		}
		time.Sleep(10 * time.Millisecond) // distinct creation times order the keys
	}
	kids := keysOf()
	if len(kids) != 2 {
		t.Fatalf("keys %v", kids)
	}
	if err := run(context.Background(), []string{"keys", "retire", kids[0]}, env, &out, &errOut); err == nil {
		t.Fatal("retiring the signing key must fail")
	}
	if err := run(context.Background(), []string{"keys", "retire", kids[1]}, env, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	if got := keysOf(); len(got) != 1 || got[0] != kids[0] {
		t.Fatalf("after retiring: %v", got)
	}
}
