package graph

import "weft.dev/kernel/fault"

// MinSeq checks a query's minSeq argument: the EVENTS sequence a
// mutation returned, which the read model must have applied before the
// query answers (the services' Queries wait for it, bounded).
func MinSeq(v *int) (uint64, error) {
	if v == nil {
		return 0, nil
	}
	if *v < 0 {
		return 0, fault.Invalidf("minSeq", "%d is negative", *v)
	}
	return uint64(*v), nil
}

// Int returns a pointer to v as a GraphQL Int, nil for zero (unknown).
func Int(v uint64) *int {
	if v == 0 {
		return nil
	}
	i := int(v)
	return &i
}

// Str returns a pointer to s, nil for the empty string.
func Str(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// Deref returns *p, or the zero value for nil.
func Deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
