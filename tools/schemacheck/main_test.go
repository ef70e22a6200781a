package main

import (
	"strings"
	"testing"
)

const described = `{
  "format_version": "1.0",
  "provider_schemas": {
    "registry.terraform.io/hashicorp/livechat": {
      "provider": {"version": 0, "block": {
        "attributes": {"access_token": {"type": "string", "description": "Token.", "sensitive": true}},
        "block_types": {"oauth": {"nesting_mode": "single", "block": {
          "description": "OAuth.",
          "attributes": {"client_id": {"type": "string", "description": "Client."}}
        }}}
      }},
      "resource_schemas": {"livechat_x": {"version": 0, "block": {
        "description": "X.",
        "attributes": {
          "id": {"type": "string", "description": "Id.", "computed": true},
          "trial": {"description": "Trial.", "nested_type": {"nesting_mode": "single", "attributes": {
            "days": {"type": "number", "description": "Days."}
          }}}
        }
      }}},
      "data_source_schemas": {"livechat_y": {"version": 0, "block": {"description": "Y."}}},
      "ephemeral_resource_schemas": {"livechat_z": {"version": 0, "block": {"description": "Z."}}},
      "resource_identity_schemas": {"livechat_x": {"version": 0, "attributes": {
        "id": {"type": "string", "description": "Id.", "required_for_import": true}
      }}},
      "functions": {"checkout_url": {
        "summary": "S.", "description": "D.", "return_type": "string",
        "parameters": [{"name": "id", "type": "string", "description": "Id."}]
      }}
    }
  }
}`

const undescribed = `{
  "format_version": "1.0",
  "provider_schemas": {
    "registry.terraform.io/hashicorp/livechat": {
      "provider": {"version": 0, "block": {
        "attributes": {"access_token": {"type": "string"}},
        "block_types": {"oauth": {"nesting_mode": "single", "block": {
          "attributes": {"client_id": {"type": "string"}}
        }}}
      }},
      "resource_schemas": {"livechat_x": {"version": 0, "block": {
        "attributes": {
          "id": {"type": "string", "computed": true},
          "trial": {"description": "Trial.", "nested_type": {"nesting_mode": "single", "attributes": {
            "days": {"type": "number"}
          }}}
        }
      }}},
      "data_source_schemas": {"livechat_y": {"version": 0, "block": {"description": "  "}}},
      "ephemeral_resource_schemas": {"livechat_z": {"version": 0, "block": {}}},
      "list_resource_schemas": {"livechat_x": {"version": 0, "block": {"description": "L."}}},
      "resource_identity_schemas": {"livechat_x": {"version": 0, "attributes": {
        "id": {"type": "string", "required_for_import": true},
        "product": {"type": "string", "description": "Product.", "optional_for_import": true}
      }}},
      "functions": {"checkout_url": {
        "summary": "S.", "return_type": "string",
        "parameters": [{"name": "id", "type": "string"}],
        "variadic_parameter": {"name": "rest", "type": "string"}
      }}
    }
  }
}`

func TestCheckAllDescribed(t *testing.T) {
	problems, checked, err := check(strings.NewReader(described), "/livechat")
	if err != nil {
		t.Fatal(err)
	}
	if len(problems) != 0 {
		t.Errorf("unexpected problems: %q", problems)
	}
	// access_token, oauth, oauth.client_id, resource, id, trial, trial.days,
	// data source, ephemeral resource, identity id, function summary,
	// description, parameter.
	if checked != 13 {
		t.Errorf("checked %d elements, want 13", checked)
	}
}

func TestCheckReportsEveryMissingDescription(t *testing.T) {
	problems, _, err := check(strings.NewReader(undescribed), "")
	if err != nil {
		t.Fatal(err)
	}
	const p = "registry.terraform.io/hashicorp/livechat: "
	want := []string{
		p + `data source livechat_y: the data source itself`,
		p + `ephemeral resource livechat_z: the ephemeral resource itself`,
		p + `function checkout_url: description`,
		p + `function checkout_url: parameter "id"`,
		p + `function checkout_url: variadic parameter "rest"`,
		p + `provider configuration: attribute "access_token"`,
		p + `provider configuration: attribute "oauth.client_id"`,
		p + `provider configuration: block "oauth"`,
		p + `resource identity livechat_x: attribute "id"`,
		p + `resource livechat_x: attribute "id"`,
		p + `resource livechat_x: attribute "trial.days"`,
		p + `resource livechat_x: the resource itself`,
	}
	if strings.Join(problems, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(problems, "\n"), strings.Join(want, "\n"))
	}
}

func TestCheckErrors(t *testing.T) {
	for name, input := range map[string]string{
		"not json":         `nope`,
		"not a schema":     `{"format_version": "1.0"}`,
		"no such provider": `{"provider_schemas": {"registry.terraform.io/hashicorp/other": {}}}`,
	} {
		t.Run(name, func(t *testing.T) {
			if _, _, err := check(strings.NewReader(input), "/livechat"); err == nil {
				t.Error("expected an error")
			}
		})
	}
}
