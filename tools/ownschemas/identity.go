package main

import (
	"encoding/json"
	"fmt"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// A resource identity schema in the CLI's JSON form, as terraform-json's
// tfjson.IdentitySchema reads it (from which tfplugindocs renders the
// identity): no block and no description kind, unlike the other schemas.

type jsonIdentitySchema struct {
	Version    int64                             `json:"version"`
	Attributes map[string]*jsonIdentityAttribute `json:"attributes,omitempty"`
}

type jsonIdentityAttribute struct {
	Type              json.RawMessage `json:"type,omitempty"`
	Description       string          `json:"description,omitempty"`
	RequiredForImport bool            `json:"required_for_import,omitempty"`
	OptionalForImport bool            `json:"optional_for_import,omitempty"`
}

func toJSONIdentity(s *tfprotov6.ResourceIdentitySchema) (jsonIdentitySchema, error) {
	out := jsonIdentitySchema{Version: s.Version, Attributes: map[string]*jsonIdentityAttribute{}}
	for _, a := range s.IdentityAttributes {
		if a.Type == nil {
			return out, fmt.Errorf("identity attribute %s has no type", a.Name)
		}
		typ, err := typeJSON(a.Type)
		if err != nil {
			return out, fmt.Errorf("identity attribute %s: %w", a.Name, err)
		}
		raw, err := json.Marshal(typ)
		if err != nil {
			return out, err
		}
		out.Attributes[a.Name] = &jsonIdentityAttribute{Type: raw, Description: a.Description,
			RequiredForImport: a.RequiredForImport, OptionalForImport: a.OptionalForImport}
	}
	return out, nil
}
