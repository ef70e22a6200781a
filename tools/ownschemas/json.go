package main

import (
	"encoding/json"
	"fmt"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// The CLI's JSON schema format
// (https://developer.hashicorp.com/terraform/cli/commands/providers/schema),
// the part a list resource's schema uses: attributes, nested attributes
// and nested blocks.

type jsonSchema struct {
	Version int64      `json:"version"`
	Block   *jsonBlock `json:"block"`
}

type jsonBlock struct {
	Attributes      map[string]*jsonAttribute `json:"attributes,omitempty"`
	BlockTypes      map[string]*jsonBlockType `json:"block_types,omitempty"`
	Description     string                    `json:"description,omitempty"`
	DescriptionKind string                    `json:"description_kind,omitempty"`
	Deprecated      bool                      `json:"deprecated,omitempty"`
}

type jsonAttribute struct {
	Type            json.RawMessage `json:"type,omitempty"`
	NestedType      *jsonNestedType `json:"nested_type,omitempty"`
	Description     string          `json:"description,omitempty"`
	DescriptionKind string          `json:"description_kind,omitempty"`
	Deprecated      bool            `json:"deprecated,omitempty"`
	Required        bool            `json:"required,omitempty"`
	Optional        bool            `json:"optional,omitempty"`
	Computed        bool            `json:"computed,omitempty"`
	Sensitive       bool            `json:"sensitive,omitempty"`
	WriteOnly       bool            `json:"write_only,omitempty"`
}

type jsonNestedType struct {
	Attributes  map[string]*jsonAttribute `json:"attributes"`
	NestingMode string                    `json:"nesting_mode"`
}

type jsonBlockType struct {
	NestingMode string     `json:"nesting_mode"`
	Block       *jsonBlock `json:"block"`
	MinItems    int64      `json:"min_items,omitempty"`
	MaxItems    int64      `json:"max_items,omitempty"`
}

func descriptionKind(k tfprotov6.StringKind) string {
	if k == tfprotov6.StringKindMarkdown {
		return "markdown"
	}
	return "plain"
}

func toJSONBlock(b *tfprotov6.SchemaBlock) (*jsonBlock, error) {
	out := &jsonBlock{Description: b.Description, DescriptionKind: descriptionKind(b.DescriptionKind), Deprecated: b.Deprecated}
	attrs, err := toJSONAttributes(b.Attributes)
	if err != nil {
		return nil, err
	}
	if len(attrs) > 0 {
		out.Attributes = attrs
	}
	for _, nb := range b.BlockTypes {
		block, err := toJSONBlock(nb.Block)
		if err != nil {
			return nil, fmt.Errorf("block %s: %w", nb.TypeName, err)
		}
		mode, ok := blockNesting[nb.Nesting]
		if !ok {
			return nil, fmt.Errorf("block %s: nesting mode %v", nb.TypeName, nb.Nesting)
		}
		if out.BlockTypes == nil {
			out.BlockTypes = map[string]*jsonBlockType{}
		}
		out.BlockTypes[nb.TypeName] = &jsonBlockType{NestingMode: mode, Block: block, MinItems: nb.MinItems, MaxItems: nb.MaxItems}
	}
	return out, nil
}

var blockNesting = map[tfprotov6.SchemaNestedBlockNestingMode]string{
	tfprotov6.SchemaNestedBlockNestingModeSingle: "single",
	tfprotov6.SchemaNestedBlockNestingModeList:   "list",
	tfprotov6.SchemaNestedBlockNestingModeSet:    "set",
	tfprotov6.SchemaNestedBlockNestingModeMap:    "map",
	tfprotov6.SchemaNestedBlockNestingModeGroup:  "group",
}

var objectNesting = map[tfprotov6.SchemaObjectNestingMode]string{
	tfprotov6.SchemaObjectNestingModeSingle: "single",
	tfprotov6.SchemaObjectNestingModeList:   "list",
	tfprotov6.SchemaObjectNestingModeSet:    "set",
	tfprotov6.SchemaObjectNestingModeMap:    "map",
}

func toJSONAttributes(in []*tfprotov6.SchemaAttribute) (map[string]*jsonAttribute, error) {
	out := map[string]*jsonAttribute{}
	for _, a := range in {
		attr := &jsonAttribute{
			Description: a.Description, DescriptionKind: descriptionKind(a.DescriptionKind), Deprecated: a.Deprecated,
			Required: a.Required, Optional: a.Optional, Computed: a.Computed, Sensitive: a.Sensitive, WriteOnly: a.WriteOnly,
		}
		switch {
		case a.NestedType != nil:
			nested, err := toJSONAttributes(a.NestedType.Attributes)
			if err != nil {
				return nil, fmt.Errorf("attribute %s: %w", a.Name, err)
			}
			mode, ok := objectNesting[a.NestedType.Nesting]
			if !ok {
				return nil, fmt.Errorf("attribute %s: nesting mode %v", a.Name, a.NestedType.Nesting)
			}
			attr.NestedType = &jsonNestedType{Attributes: nested, NestingMode: mode}
		case a.Type != nil:
			typ, err := typeJSON(a.Type)
			if err != nil {
				return nil, fmt.Errorf("attribute %s: %w", a.Name, err)
			}
			if attr.Type, err = json.Marshal(typ); err != nil {
				return nil, err
			}
		default:
			return nil, fmt.Errorf("attribute %s has neither a type nor a nested type", a.Name)
		}
		out[a.Name] = attr
	}
	return out, nil
}

// typeJSON is a type as the CLI writes it: "string", ["list","string"],
// ["object",{"name":"string"}].
func typeJSON(t tftypes.Type) (any, error) {
	for name, p := range map[string]tftypes.Type{"string": tftypes.String, "number": tftypes.Number,
		"bool": tftypes.Bool, "dynamic": tftypes.DynamicPseudoType} {
		if t.Equal(p) {
			return name, nil
		}
	}
	switch t := t.(type) {
	case tftypes.List:
		return collectionJSON("list", t.ElementType)
	case tftypes.Set:
		return collectionJSON("set", t.ElementType)
	case tftypes.Map:
		return collectionJSON("map", t.ElementType)
	case tftypes.Object:
		attrs := map[string]any{}
		for name, at := range t.AttributeTypes {
			a, err := typeJSON(at)
			if err != nil {
				return nil, err
			}
			attrs[name] = a
		}
		return []any{"object", attrs}, nil
	}
	return nil, fmt.Errorf("type %s has no JSON form here", t)
}

func collectionJSON(kind string, elem tftypes.Type) (any, error) {
	e, err := typeJSON(elem)
	if err != nil {
		return nil, err
	}
	return []any{kind, e}, nil
}
