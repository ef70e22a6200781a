package sandbox

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// secretOptions are the Options fields that hold a credential a client
// presents; comparing one with == takes longer the more leading bytes a
// guess gets right.
var secretOptions = map[string]bool{
	"AccessToken": true, "PartnerToken": true, "PartnerPassword": true,
	"ClientSecret": true, "RefreshToken": true, "PersonalAccessToken": true,
}

// No credential is compared with == or != anywhere in the sandbox: every
// check goes through a constant-time comparison.
func TestSecrets_comparedInConstantTime(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	checked := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		checked++
		ast.Inspect(f, func(n ast.Node) bool {
			be, ok := n.(*ast.BinaryExpr)
			if !ok || (be.Op != token.EQL && be.Op != token.NEQ) || isEmptyString(be.X) || isEmptyString(be.Y) {
				return true // not a comparison, or a test for "not set"
			}
			for _, side := range []ast.Expr{be.X, be.Y} {
				if field := secretField(side); field != "" {
					t.Errorf("%s: opts.%s is compared with %s; use a constant-time comparison", fset.Position(be.Pos()), field, be.Op)
				}
			}
			return true
		})
	}
	if checked == 0 {
		t.Fatal("no source files found")
	}
}

// secretField names the secret Options field e reads (x.opts.F or
// opts.F), or "".
func secretField(e ast.Expr) string {
	sel, ok := ast.Unparen(e).(*ast.SelectorExpr)
	if !ok || !secretOptions[sel.Sel.Name] {
		return ""
	}
	switch x := sel.X.(type) {
	case *ast.SelectorExpr:
		if x.Sel.Name == "opts" {
			return sel.Sel.Name
		}
	case *ast.Ident:
		if x.Name == "opts" {
			return sel.Sel.Name
		}
	}
	return ""
}

func isEmptyString(e ast.Expr) bool {
	lit, ok := ast.Unparen(e).(*ast.BasicLit)
	return ok && lit.Kind == token.STRING && (lit.Value == `""` || lit.Value == "``")
}
