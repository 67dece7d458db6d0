package gateway

import (
	"bytes"
	"reflect"
	"sync"

	"github.com/wundergraph/graphql-go-tools/execution/graphql"
	"github.com/wundergraph/graphql-go-tools/v2/pkg/astnormalization"
	"github.com/wundergraph/graphql-go-tools/v2/pkg/variablesvalidation"
)

// Normalising and validating an operation is a third of the gateway's own
// work per request: graphql-go-tools builds a fresh normaliser (every AST
// walker) twice and a validator once for every request, even though the
// plan for the result is cached. Portals and CLIs send the same operations
// again and again, so the gateway keeps each query it has prepared - parsed,
// normalised, validated against the composed schema and with its literal
// arguments extracted - and runs a private copy of it for the next request
// with the same text, operation name and variables. The copy matters: the
// engine's planner rewrites the operation it plans, so no two requests may
// share one document.

const (
	// opCacheSize bounds the prepared operations kept per composition.
	opCacheSize = 512
	// opCacheMaxKey skips operations whose text and variables are larger:
	// they are rarely repeated and would pin a lot of memory.
	opCacheMaxKey = 16 << 10
)

// opKey appends the cache key of req to b; ok is false when req is not
// cached. The caller looks the key up as a byte slice (no string made for
// a hit) and makes it a string only to put a new entry.
func opKey(req *graphql.Request, b []byte) (key []byte, ok bool) {
	n := len(req.OperationName) + len(req.Query) + len(req.Variables) + 2
	if n > opCacheMaxKey {
		return b, false
	}
	b = append(b, req.OperationName...)
	b = append(b, 0)
	b = append(b, req.Query...)
	b = append(b, 0)
	b = append(b, req.Variables...)
	return b, true
}

// preparedOp is an operation normalised and validated against one schema.
// Its document is never executed itself; request hands out copies.
type preparedOp struct {
	tpl graphql.Request
}

// prepareOperation normalises and validates req against s the way
// ExecutionEngine.Execute does (see prepare), so the engine skips those
// steps for the copies.
func prepareOperation(s *snapshot, req *graphql.Request) (*preparedOp, error) {
	p := &preparedOp{tpl: graphql.Request{
		OperationName: req.OperationName,
		Query:         req.Query,
		Variables:     bytes.Clone(req.Variables),
	}}
	if err := prepare(s, &p.tpl); err != nil {
		return nil, err
	}
	return p, nil
}

// prepare normalises req (fragments inlined, unused variables removed),
// validates it against the client schema (the supergraph without its
// @inaccessible types, fields, arguments and enum values) and then the
// full one, and extracts its literal arguments into variables: what
// ExecutionEngine.Execute would do, except that the engine knows only the
// full schema, against which an operation using an @inaccessible element
// is valid. Validating against both here also means that copies of a
// prepared request only ever read its record of schemas validated for.
func prepare(s *snapshot, req *graphql.Request) error {
	res, err := req.Normalize(s.client,
		astnormalization.WithRemoveFragmentDefinitions(),
		astnormalization.WithRemoveUnusedVariables(),
		astnormalization.WithInlineFragmentSpreads(),
	)
	if err != nil {
		return err
	}
	if !res.Successful {
		return res.Errors
	}
	for _, schema := range []*graphql.Schema{s.client, s.schema} {
		valid, err := req.ValidateForSchema(schema)
		if err != nil {
			return err
		}
		if !valid.Valid {
			return valid.Errors
		}
		if s.client == s.schema {
			break
		}
	}
	res, err = req.Normalize(s.schema, astnormalization.WithExtractVariables())
	if err != nil {
		return err
	}
	if !res.Successful {
		return res.Errors
	}
	// The engine checks the variables' values against the full schema,
	// where an @inaccessible enum value or input field is allowed.
	if s.client != s.schema && len(req.Variables) > 0 && req.Variables[0] == '{' {
		v := variablesvalidation.NewVariablesValidator(variablesvalidation.VariablesValidatorOptions{})
		if err := v.Validate(req.Document(), s.client.Document(), req.Variables); err != nil {
			return err
		}
	}
	return nil
}

// request returns a copy of the prepared operation with a document of its
// own, marked normalised and validated for the schema it was prepared for.
func (p *preparedOp) request(c *cloner) *graphql.Request {
	r := p.tpl
	r.Variables = bytes.Clone(p.tpl.Variables)
	c.cloneDeep(reflect.ValueOf(r.Document()).Elem())
	return &r
}

// opCache holds one composition's prepared operations; the oldest entry
// goes when it is full.
type opCache struct {
	clone cloner

	mu    sync.Mutex
	ops   map[string]*preparedOp
	order []string // insertion order, a ring of opCacheSize keys
	next  int
}

func newOpCache() *opCache {
	return &opCache{ops: make(map[string]*preparedOp, opCacheSize)}
}

// has reports whether an operation is prepared under key.
func (c *opCache) has(key []byte) bool {
	c.mu.Lock()
	_, ok := c.ops[string(key)]
	c.mu.Unlock()
	return ok
}

// get returns a private copy of the operation prepared under key, or nil.
func (c *opCache) get(key []byte) *graphql.Request {
	c.mu.Lock()
	p := c.ops[string(key)]
	c.mu.Unlock()
	if p == nil {
		return nil
	}
	return p.request(&c.clone)
}

func (c *opCache) put(key string, p *preparedOp) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.ops[key]; ok {
		return
	}
	if len(c.order) < opCacheSize {
		c.order = append(c.order, key)
	} else {
		delete(c.ops, c.order[c.next])
		c.order[c.next] = key
		c.next = (c.next + 1) % opCacheSize
	}
	c.ops[key] = p
}

// cloner gives every slice reachable from a value a backing array of its
// own, so writes through the copy never reach the original. It follows
// exported struct fields, slices and arrays, which is all an ast.Document
// holds apart from the schema-only node index (a map, empty in operations,
// left shared). Reflection rather than a field list, so a field added in a
// later graphql-go-tools is copied too; what to copy in a type is worked
// out once per type into a plan, so a copy visits only the fields and
// elements that hold slices.
type cloner struct {
	plans sync.Map // reflect.Type -> *clonePlan
}

// clonePlan is what cloneDeep does with a value of one type; nil means the
// value holds no slice and is copied as it is.
type clonePlan struct {
	kind   reflect.Kind
	elem   *clonePlan // slice and array elements
	fields []fieldPlan
}

type fieldPlan struct {
	index int
	plan  *clonePlan
}

// cloneDeep copies the slices reachable from v, an addressable value.
func (c *cloner) cloneDeep(v reflect.Value) {
	if p := c.plan(v.Type()); p != nil {
		p.clone(v)
	}
}

func (p *clonePlan) clone(v reflect.Value) {
	switch p.kind {
	case reflect.Slice:
		if v.Len() == 0 {
			// Empty but maybe with spare capacity an append would
			// write into: drop it.
			if !v.IsNil() {
				v.SetZero()
			}
			return
		}
		n := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		reflect.Copy(n, v)
		if p.elem != nil {
			for i := range n.Len() {
				p.elem.clone(n.Index(i))
			}
		}
		v.Set(n)
	case reflect.Array:
		for i := range v.Len() {
			p.elem.clone(v.Index(i))
		}
	case reflect.Struct:
		for _, f := range p.fields {
			f.plan.clone(v.Field(f.index))
		}
	}
}

// plan returns the plan for t, nil when a value of t holds no slice.
func (c *cloner) plan(t reflect.Type) *clonePlan {
	if p, ok := c.plans.Load(t); ok {
		return p.(*clonePlan)
	}
	p := buildPlan(t, map[reflect.Type]*clonePlan{})
	c.plans.Store(t, p)
	return p
}

// buildPlan works out t's plan; seen holds the plans being built, so a
// type that contains itself (through a slice) refers to its own plan.
func buildPlan(t reflect.Type, seen map[reflect.Type]*clonePlan) *clonePlan {
	if p, ok := seen[t]; ok {
		return p
	}
	switch t.Kind() {
	case reflect.Slice:
		p := &clonePlan{kind: reflect.Slice}
		seen[t] = p
		p.elem = buildPlan(t.Elem(), seen)
		return p
	case reflect.Array:
		p := &clonePlan{kind: reflect.Array}
		seen[t] = p
		if p.elem = buildPlan(t.Elem(), seen); p.elem == nil {
			seen[t] = nil
			return nil
		}
		return p
	case reflect.Struct:
		p := &clonePlan{kind: reflect.Struct}
		seen[t] = p
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			if fp := buildPlan(f.Type, seen); fp != nil {
				p.fields = append(p.fields, fieldPlan{index: i, plan: fp})
			}
		}
		if len(p.fields) == 0 {
			seen[t] = nil
			return nil
		}
		return p
	}
	return nil
}
