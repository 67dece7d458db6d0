package ast

import (
	"github.com/wundergraph/graphql-go-tools/v2/pkg/internal/unsafebytes"
	"github.com/wundergraph/graphql-go-tools/v2/pkg/lexer/position"
)

type InterfaceTypeExtension struct {
	InterfaceTypeDefinition

	ExtendLiteral position.Position
}

func (d *Document) InterfaceTypeExtensionNameBytes(ref int) ByteSlice {
	return d.Input.ByteSlice(d.InterfaceTypeExtensions[ref].Name)
}

func (d *Document) InterfaceTypeExtensionNameString(ref int) string {
	return unsafebytes.BytesToString(d.Input.ByteSlice(d.InterfaceTypeExtensions[ref].Name))
}

func (d *Document) InterfaceTypeExtensionDescriptionBytes(ref int) ByteSlice {
	if !d.InterfaceTypeExtensions[ref].Description.IsDefined {
		return nil
	}
	return d.Input.ByteSlice(d.InterfaceTypeExtensions[ref].Description.Content)
}

func (d *Document) InterfaceTypeExtensionDescriptionString(ref int) string {
	return unsafebytes.BytesToString(d.InterfaceTypeExtensionDescriptionBytes(ref))
}

func (d *Document) InterfaceTypeExtensionHasFieldDefinitions(ref int) bool {
	return d.InterfaceTypeExtensions[ref].HasFieldDefinitions
}

func (d *Document) InterfaceTypeExtensionHasDirectives(ref int) bool {
	return d.InterfaceTypeExtensions[ref].HasDirectives
}

func (d *Document) ExtendInterfaceTypeDefinitionByInterfaceTypeExtension(interfaceTypeDefinitionRef, interfaceTypeExtensionRef int) {
	if d.InterfaceTypeExtensionHasFieldDefinitions(interfaceTypeExtensionRef) {
		d.InterfaceTypeDefinitions[interfaceTypeDefinitionRef].FieldsDefinition.Refs = append(d.InterfaceTypeDefinitions[interfaceTypeDefinitionRef].FieldsDefinition.Refs, d.InterfaceTypeExtensions[interfaceTypeExtensionRef].FieldsDefinition.Refs...)
		d.InterfaceTypeDefinitions[interfaceTypeDefinitionRef].HasFieldDefinitions = true
	}

	if d.InterfaceTypeExtensionHasDirectives(interfaceTypeExtensionRef) {
		d.InterfaceTypeDefinitions[interfaceTypeDefinitionRef].Directives.Refs = append(d.InterfaceTypeDefinitions[interfaceTypeDefinitionRef].Directives.Refs, d.InterfaceTypeExtensions[interfaceTypeExtensionRef].Directives.Refs...)
		d.InterfaceTypeDefinitions[interfaceTypeDefinitionRef].HasDirectives = true
	}

	if len(d.InterfaceTypeExtensions[interfaceTypeExtensionRef].ImplementsInterfaces.Refs) > 0 {
		d.InterfaceTypeDefinitions[interfaceTypeDefinitionRef].ImplementsInterfaces.Refs = append(
			d.InterfaceTypeDefinitions[interfaceTypeDefinitionRef].ImplementsInterfaces.Refs,
			d.InterfaceTypeExtensions[interfaceTypeExtensionRef].ImplementsInterfaces.Refs...,
		)
	}

	d.Index.MergedTypeExtensions = append(d.Index.MergedTypeExtensions, Node{Ref: interfaceTypeExtensionRef, Kind: NodeKindInterfaceTypeExtension})
}

func (d *Document) ImportAndExtendInterfaceTypeDefinitionByInterfaceTypeExtension(interfaceTypeExtensionRef int) {
	d.ImportInterfaceTypeDefinitionWithDirectives(
		d.InterfaceTypeExtensionNameString(interfaceTypeExtensionRef),
		d.InterfaceTypeExtensionDescriptionString(interfaceTypeExtensionRef),
		d.InterfaceTypeExtensions[interfaceTypeExtensionRef].FieldsDefinition.Refs,
		d.InterfaceTypeExtensions[interfaceTypeExtensionRef].ImplementsInterfaces.Refs,
		d.InterfaceTypeExtensions[interfaceTypeExtensionRef].Directives.Refs,
	)
	d.Index.MergedTypeExtensions = append(d.Index.MergedTypeExtensions, Node{Ref: interfaceTypeExtensionRef, Kind: NodeKindInterfaceTypeExtension})
}

func (d *Document) AddInterfaceTypeExtension(extension InterfaceTypeExtension) (ref int) {
	d.InterfaceTypeExtensions = append(d.InterfaceTypeExtensions, extension)
	return len(d.InterfaceTypeExtensions) - 1
}
