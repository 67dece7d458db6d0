package ast

import (
	"github.com/wundergraph/graphql-go-tools/v2/pkg/internal/unsafebytes"
	"github.com/wundergraph/graphql-go-tools/v2/pkg/lexer/position"
)

type ObjectTypeExtension struct {
	ObjectTypeDefinition

	ExtendLiteral position.Position
}

func (d *Document) ObjectTypeExtensionNameBytes(ref int) ByteSlice {
	return d.Input.ByteSlice(d.ObjectTypeExtensions[ref].Name)
}

func (d *Document) ObjectTypeExtensionNameString(ref int) string {
	return unsafebytes.BytesToString(d.Input.ByteSlice(d.ObjectTypeExtensions[ref].Name))
}

func (d *Document) ObjectTypeExtensionDescriptionNameBytes(ref int) ByteSlice {
	if !d.ObjectTypeExtensions[ref].Description.IsDefined {
		return nil
	}
	return d.Input.ByteSlice(d.ObjectTypeExtensions[ref].Description.Content)
}

func (d *Document) ObjectTypeExtensionDescriptionNameString(ref int) string {
	return unsafebytes.BytesToString(d.ObjectTypeExtensionDescriptionNameBytes(ref))
}

func (d *Document) ObjectTypeExtensionHasFieldDefinitions(ref int) bool {
	return d.ObjectTypeExtensions[ref].HasFieldDefinitions
}

func (d *Document) ObjectTypeExtensionHasDirectives(ref int) bool {
	return d.ObjectTypeExtensions[ref].HasDirectives
}

func (d *Document) ExtendObjectTypeDefinitionByObjectTypeExtension(objectTypeDefinitionRef, objectTypeExtensionRef int) {
	if d.ObjectTypeExtensionHasFieldDefinitions(objectTypeExtensionRef) {
		d.ObjectTypeDefinitions[objectTypeDefinitionRef].FieldsDefinition.Refs = append(d.ObjectTypeDefinitions[objectTypeDefinitionRef].FieldsDefinition.Refs, d.ObjectTypeExtensions[objectTypeExtensionRef].FieldsDefinition.Refs...)
		d.ObjectTypeDefinitions[objectTypeDefinitionRef].HasFieldDefinitions = true
	}

	if d.ObjectTypeExtensionHasDirectives(objectTypeExtensionRef) {
		d.ObjectTypeDefinitions[objectTypeDefinitionRef].Directives.Refs = append(d.ObjectTypeDefinitions[objectTypeDefinitionRef].Directives.Refs, d.ObjectTypeExtensions[objectTypeExtensionRef].Directives.Refs...)
		d.ObjectTypeDefinitions[objectTypeDefinitionRef].HasDirectives = true
	}

	if len(d.ObjectTypeExtensions[objectTypeExtensionRef].ImplementsInterfaces.Refs) > 0 {
		d.ObjectTypeDefinitions[objectTypeDefinitionRef].ImplementsInterfaces.Refs = append(
			d.ObjectTypeDefinitions[objectTypeDefinitionRef].ImplementsInterfaces.Refs,
			d.ObjectTypeExtensions[objectTypeExtensionRef].ImplementsInterfaces.Refs...,
		)
	}

	d.Index.MergedTypeExtensions = append(d.Index.MergedTypeExtensions, Node{Ref: objectTypeExtensionRef, Kind: NodeKindObjectTypeExtension})
}

func (d *Document) ImportAndExtendObjectTypeDefinitionByObjectTypeExtension(objectTypeExtensionRef int) {
	d.ImportObjectTypeDefinitionWithDirectives(
		d.ObjectTypeExtensionNameBytes(objectTypeExtensionRef).String(),
		d.ObjectTypeExtensionDescriptionNameString(objectTypeExtensionRef),
		d.ObjectTypeExtensions[objectTypeExtensionRef].FieldsDefinition.Refs,
		d.ObjectTypeExtensions[objectTypeExtensionRef].ImplementsInterfaces.Refs,
		d.ObjectTypeExtensions[objectTypeExtensionRef].Directives.Refs,
	)
	d.Index.MergedTypeExtensions = append(d.Index.MergedTypeExtensions, Node{Ref: objectTypeExtensionRef, Kind: NodeKindObjectTypeExtension})
}

func (d *Document) AddObjectTypeDefinitionExtension(extension ObjectTypeExtension) (ref int) {
	d.ObjectTypeExtensions = append(d.ObjectTypeExtensions, extension)
	return len(d.ObjectTypeExtensions) - 1
}
