package catalogue

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// sources holds what the Go sources say about the event types: doc
// comments of types and fields, and the constants of named string types
// (the values a field of that type takes, for examples).
type sources struct {
	types  map[string]string            // "pkg.Type" → doc
	fields map[string]map[string]string // "pkg.Type" → Go field name → doc
	consts map[string][]string          // "pkg.Type" → constant values, in source order
}

// loadSources parses the non-test Go files of pkgs, found with go list
// (which needs the go command and the workspace, as go generate and go
// test have).
func loadSources(pkgs []string) (*sources, error) {
	s := &sources{types: map[string]string{}, fields: map[string]map[string]string{}, consts: map[string][]string{}}
	if len(pkgs) == 0 {
		return s, nil
	}
	out, err := exec.Command("go", append([]string{"list", "-f", "{{.ImportPath}}\t{{.Dir}}\t{{join .GoFiles \"\\t\"}}"}, pkgs...)...).Output()
	if err != nil {
		return nil, fmt.Errorf("find the event types' sources: go list: %w", err)
	}
	fset := token.NewFileSet()
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		parts := strings.Split(line, "\t")
		if len(parts) < 2 {
			continue
		}
		pkg, dir := parts[0], parts[1]
		for _, name := range parts[2:] {
			f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, parser.ParseComments)
			if err != nil {
				return nil, fmt.Errorf("parse %s: %w", name, err)
			}
			s.add(pkg, f)
		}
	}
	return s, nil
}

func (s *sources) add(pkg string, f *ast.File) {
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok {
			continue
		}
		switch gd.Tok {
		case token.TYPE:
			for _, sp := range gd.Specs {
				ts := sp.(*ast.TypeSpec)
				key := pkg + "." + ts.Name.Name
				doc := ts.Doc
				if doc == nil && len(gd.Specs) == 1 {
					doc = gd.Doc
				}
				s.types[key] = text(doc)
				st, ok := ts.Type.(*ast.StructType)
				if !ok {
					continue
				}
				fd := map[string]string{}
				for _, fl := range st.Fields.List {
					c := text(fl.Doc)
					if c == "" {
						c = text(fl.Comment)
					}
					for _, n := range fl.Names {
						fd[n.Name] = c
					}
				}
				s.fields[key] = fd
			}
		case token.CONST:
			for _, sp := range gd.Specs {
				vs := sp.(*ast.ValueSpec)
				id, ok := vs.Type.(*ast.Ident)
				if !ok {
					continue
				}
				for _, v := range vs.Values {
					if lit, ok := v.(*ast.BasicLit); ok && lit.Kind == token.STRING {
						if u, err := strconv.Unquote(lit.Value); err == nil {
							s.consts[pkg+"."+id.Name] = append(s.consts[pkg+"."+id.Name], u)
						}
					}
				}
			}
		}
	}
}

// text is a comment as one paragraph per blank-line-separated block.
func text(g *ast.CommentGroup) string {
	if g == nil {
		return ""
	}
	var b bytes.Buffer
	for _, para := range strings.Split(strings.TrimSpace(g.Text()), "\n\n") {
		if b.Len() > 0 {
			b.WriteString("\n\n")
		}
		b.WriteString(strings.Join(strings.Fields(para), " "))
	}
	return b.String()
}
