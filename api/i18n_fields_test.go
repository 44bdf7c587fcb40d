package api

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestFieldCodesLocalized: every field error code the code base can produce has a Chinese message
// in fieldTexts. It reads the sources: the code argument of each ValidationError.Add,
// domain.Invalid, fieldProblem and schedule's fieldErr call, and schedule's Code constants.
func TestFieldCodesLocalized(t *testing.T) {
	t.Parallel()
	codeArg := map[string]int{"Add": 1, "Invalid": 1, "fieldProblem": 2, "fieldErr": 1}
	codes := map[string]string{} // code → where
	fset := token.NewFileSet()
	for _, dir := range []string{".", "../domain"} {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			f, err := parser.ParseFile(fset, path, nil, 0)
			if err != nil {
				return err
			}
			ast.Inspect(f, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.CallExpr:
					var name string
					switch fn := n.Fun.(type) {
					case *ast.Ident:
						name = fn.Name
					case *ast.SelectorExpr:
						name = fn.Sel.Name
					}
					i, ok := codeArg[name]
					if !ok || len(n.Args) <= i {
						return true
					}
					if lit, ok := n.Args[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
						code, _ := strconv.Unquote(lit.Value)
						codes[code] = fset.Position(lit.Pos()).String()
					}
				case *ast.ValueSpec:
					for i, id := range n.Names {
						if strings.HasPrefix(id.Name, "Code") && i < len(n.Values) {
							if lit, ok := n.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
								code, _ := strconv.Unquote(lit.Value)
								codes[code] = fset.Position(lit.Pos()).String()
							}
						}
					}
				}
				return true
			})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	codes[codeInvalidText] = "api/input.go"
	if len(codes) < 15 {
		t.Fatalf("found only %d codes: the scan is broken (%v)", len(codes), codes)
	}
	for code, where := range codes {
		if _, ok := fieldTexts[code]; !ok {
			t.Errorf("field code %q (%s) has no Chinese message in fieldTexts", code, where)
		}
	}
}
