package gateway

import (
	"encoding/json"

	"github.com/wundergraph/graphql-go-tools/execution/graphql"
	"github.com/wundergraph/graphql-go-tools/v2/pkg/ast"

	"weft.dev/kernel/auth"
)

// newTeamPrincipal lets a createTeam mutation read the team it creates: the
// other subgraphs resolve the new Team's fields (clusters, apps, events)
// only for a principal acting in that team, and the caller's principal was
// made before the team existed. When the operation's one and only root
// field is createTeam, the principal acts in the new team as its owner. That
// is true exactly when the creation succeeds, and the Team's other fields
// are only fetched then; a second root field (which could act on an
// existing team of that name with the borrowed role) leaves the principal
// as it is.
func newTeamPrincipal(req *graphql.Request, p auth.Principal) auth.Principal {
	doc := req.Document()
	if doc == nil {
		return p
	}
	op := -1
	for i := range doc.OperationDefinitions {
		if req.OperationName == "" || doc.OperationDefinitionNameString(i) == req.OperationName {
			if op >= 0 {
				return p // ambiguous: validation will refuse it
			}
			op = i
		}
	}
	if op < 0 || doc.OperationDefinitions[op].OperationType != ast.OperationTypeMutation || !doc.OperationDefinitions[op].HasSelections {
		return p
	}
	sels := doc.SelectionSets[doc.OperationDefinitions[op].SelectionSet].SelectionRefs
	if len(sels) != 1 || doc.Selections[sels[0]].Kind != ast.SelectionKindField {
		return p
	}
	field := doc.Selections[sels[0]].Ref
	if doc.FieldNameString(field) != "createTeam" {
		return p
	}
	arg, ok := doc.FieldArgument(field, []byte("input"))
	if !ok {
		return p
	}
	slug := ""
	switch v := doc.ArgumentValue(arg); v.Kind {
	case ast.ValueKindObject:
		for _, f := range doc.ObjectValues[v.Ref].Refs {
			if doc.ObjectFieldNameString(f) != "slug" {
				continue
			}
			switch fv := doc.ObjectFieldValue(f); fv.Kind {
			case ast.ValueKindString:
				slug = doc.StringValueContentString(fv.Ref)
			case ast.ValueKindVariable:
				var vars map[string]json.RawMessage
				_ = json.Unmarshal(req.Variables, &vars)
				_ = json.Unmarshal(vars[doc.VariableValueNameString(fv.Ref)], &slug)
			}
		}
	case ast.ValueKindVariable:
		var vars map[string]struct {
			Slug string `json:"slug"`
		}
		_ = json.Unmarshal(req.Variables, &vars)
		slug = vars[doc.VariableValueNameString(v.Ref)].Slug
	}
	if slug == "" {
		return p
	}
	p.Team, p.Role = slug, auth.Owner
	return p
}
