package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"strings"
)

// goField is what the Go declaration of a DTO field says about its JSON: the facts swag drops
// and the document needs.
type goField struct {
	json      string
	omitempty bool // absent when empty: not required
	pointer   bool // a pointer or map: may be null
	timestamp bool // time.Time: format date-time
	slice     bool
	tags      reflect.StructTag
}

// goStructs reads the DTOs of the Go package in dir and returns their fields by schema name:
// the swag name of "// @name X" after the type, or else pkg.Type as swag names it. Embedded
// structs are flattened (as swag does), and an alias of the generic List[T] gets List's fields.
func goStructs(dir string) (map[string][]goField, error) {
	fset := token.NewFileSet()
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	specs := map[string]*ast.TypeSpec{}
	var pkg string
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, parser.ParseComments)
		if err != nil {
			return nil, err
		}
		pkg = f.Name.Name
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.TYPE {
				continue
			}
			for _, s := range g.Specs {
				ts := s.(*ast.TypeSpec)
				specs[ts.Name.Name] = ts
			}
		}
	}
	out := map[string][]goField{}
	for name, ts := range specs {
		fields, err := fieldsOf(ts.Type, specs, 0)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if fields == nil {
			continue
		}
		out[swagName(pkg, ts)] = fields
	}
	return out, nil
}

// swagName is the schema name swag gives a type.
func swagName(pkg string, ts *ast.TypeSpec) string {
	if ts.Comment != nil {
		for _, c := range ts.Comment.List {
			text := strings.TrimSpace(strings.TrimPrefix(c.Text, "//"))
			if rest, ok := strings.CutPrefix(text, "@name"); ok {
				return strings.TrimSpace(rest)
			}
		}
	}
	return pkg + "." + ts.Name.Name
}

// fieldsOf lists the JSON fields of a struct type expression; nil when expr is no struct.
func fieldsOf(expr ast.Expr, specs map[string]*ast.TypeSpec, depth int) ([]goField, error) {
	if depth > 8 {
		return nil, fmt.Errorf("embedding too deep")
	}
	switch t := expr.(type) {
	case *ast.Ident:
		if ts, ok := specs[t.Name]; ok {
			return fieldsOf(ts.Type, specs, depth+1)
		}
		return nil, nil
	case *ast.IndexExpr: // List[T]: the generic's fields do not depend on T's
		return fieldsOf(t.X, specs, depth+1)
	case *ast.StructType:
		out := []goField{}
		for _, f := range t.Fields.List {
			var tag reflect.StructTag
			if f.Tag != nil {
				tag = reflect.StructTag(strings.Trim(f.Tag.Value, "`"))
			}
			name, opts, _ := strings.Cut(tag.Get("json"), ",")
			if name == "-" {
				continue
			}
			if len(f.Names) == 0 && name == "" { // embedded: flattened
				inner, err := fieldsOf(f.Type, specs, depth+1)
				if err != nil {
					return nil, err
				}
				out = append(out, inner...)
				continue
			}
			if len(f.Names) == 0 || !f.Names[0].IsExported() {
				continue
			}
			if name == "" {
				name = f.Names[0].Name
			}
			gf := goField{json: name, omitempty: strings.Contains(","+opts+",", ",omitempty,"), tags: tag}
			typ := f.Type
			if star, ok := typ.(*ast.StarExpr); ok {
				gf.pointer, typ = true, star.X
			}
			switch x := typ.(type) {
			case *ast.MapType:
				gf.pointer = true
			case *ast.ArrayType:
				gf.slice = true
			case *ast.SelectorExpr:
				if id, ok := x.X.(*ast.Ident); ok && id.Name == "time" && x.Sel.Name == "Time" {
					gf.timestamp = true
				}
			}
			out = append(out, gf)
		}
		return out, nil
	}
	return nil, nil
}
