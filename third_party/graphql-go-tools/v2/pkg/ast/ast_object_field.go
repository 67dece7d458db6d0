package ast

import (
	"bytes"

	"github.com/wundergraph/graphql-go-tools/v2/pkg/internal/unsafebytes"
	"github.com/wundergraph/graphql-go-tools/v2/pkg/lexer/position"
)

// ObjectField
// example:
// lon: 12.43
type ObjectField struct {
	Name     ByteSliceReference // e.g. lon
	Colon    position.Position  // :
	Value    Value              // e.g. 12.43
	Position position.Position
}

func (d *Document) CopyObjectField(ref int) int {
	return d.AddObjectField(ObjectField{
		Name: d.copyByteSliceReference(d.ObjectFields[ref].Name),
		Value: Value{
			Kind: d.ObjectFields[ref].Value.Kind,
			Ref:  d.copyValueRef(d.ObjectFields[ref].Value.Kind, d.ObjectFields[ref].Value.Ref),
		},
	})
}

func (d *Document) ObjectField(ref int) ObjectField {
	return d.ObjectFields[ref]
}

func (d *Document) ObjectFieldNameBytes(ref int) ByteSlice {
	return d.Input.ByteSlice(d.ObjectFields[ref].Name)
}

func (d *Document) ObjectFieldNameString(ref int) string {
	return unsafebytes.BytesToString(d.Input.ByteSlice(d.ObjectFields[ref].Name))
}

func (d *Document) ObjectFieldValue(ref int) Value {
	return d.ObjectFields[ref].Value
}

func (d *Document) ObjectFieldsAreEqual(left, right int) bool {
	return bytes.Equal(d.ObjectFieldNameBytes(left), d.ObjectFieldNameBytes(right)) &&
		d.ValuesAreEqual(d.ObjectFieldValue(left), d.ObjectFieldValue(right))
}

func (d *Document) ObjectValuesAreEqual(left, right int) bool {
	leftFields, rightFields := d.ObjectValues[left].Refs, d.ObjectValues[right].Refs
	if len(leftFields) != len(rightFields) {
		return false
	}
	for i := 0; i < len(leftFields); i++ {
		left, right = leftFields[i], rightFields[i]
		if !d.ObjectFieldsAreEqual(left, right) {
			return false
		}
	}
	return true
}

func (d *Document) AddObjectField(field ObjectField) (ref int) {
	d.ObjectFields = append(d.ObjectFields, field)
	return len(d.ObjectFields) - 1
}

func (d *Document) ImportObjectField(name ByteSlice, value Value) (ref int) {
	return d.AddObjectField(ObjectField{
		Name:  d.Input.AppendInputBytes(name),
		Value: value,
	})
}
