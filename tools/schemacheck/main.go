// Command schemacheck reads the output of `terraform providers schema -json`
// and fails when any part of the provider's schema lacks a description: the
// provider configuration, every resource, data source, ephemeral resource
// (and any other kind of schema the CLI exports), each of their attributes and
// blocks at any depth, and every provider function with its parameters.
//
// Registry documentation is generated from these descriptions, so a missing
// one becomes an empty line on the provider's registry page. The check is the
// counterpart of terraform-provider-tfe's validate-schema-descriptions.sh and
// uses only the standard library so that it builds on any machine with Go.
//
// Usage:
//
//	schemacheck [-provider ADDRESS_SUFFIX] SCHEMA.json
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// The types below mirror the parts of the CLI's JSON schema format
// (https://developer.hashicorp.com/terraform/cli/commands/providers/schema)
// that carry descriptions; everything else is ignored.

type providersSchema struct {
	FormatVersion   string                     `json:"format_version"`
	ProviderSchemas map[string]json.RawMessage `json:"provider_schemas"`
}

type schema struct {
	Block *block `json:"block"`
}

type block struct {
	Attributes  map[string]attribute `json:"attributes"`
	BlockTypes  map[string]blockType `json:"block_types"`
	Description string               `json:"description"`
}

type attribute struct {
	Description string      `json:"description"`
	NestedType  *nestedType `json:"nested_type"`
}

type nestedType struct {
	Attributes map[string]attribute `json:"attributes"`
}

type blockType struct {
	Block *block `json:"block"`
}

type function struct {
	Summary           string      `json:"summary"`
	Description       string      `json:"description"`
	Parameters        []parameter `json:"parameters"`
	VariadicParameter *parameter  `json:"variadic_parameter"`
}

type parameter struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

// kindNames turns the JSON keys of a provider's schema map into the words a
// reader of the report expects. Keys not listed here that end in "_schemas"
// (kinds added by later CLI versions, such as list resources or actions) are
// still checked, under a name derived from the key.
var kindNames = map[string]string{
	"resource_schemas":           "resource",
	"data_source_schemas":        "data source",
	"ephemeral_resource_schemas": "ephemeral resource",
	"list_resource_schemas":      "list resource",
	"action_schemas":             "action",
}

func main() {
	providerFilter := flag.String("provider", "", "check only providers whose address ends with this (e.g. \"/livechat\"); default: every provider in the file")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: %s [-provider SUFFIX] SCHEMA.json\n\n", os.Args[0])
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}

	f, err := os.Open(flag.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, "schemacheck:", err)
		os.Exit(2)
	}
	problems, checked, err := check(f, *providerFilter)
	_ = f.Close()
	if err != nil {
		fmt.Fprintln(os.Stderr, "schemacheck:", err)
		os.Exit(2)
	}
	if len(problems) > 0 {
		fmt.Fprintf(os.Stderr, "schemacheck: %d schema element(s) lack a description:\n", len(problems))
		for _, p := range problems {
			fmt.Fprintln(os.Stderr, "  -", p)
		}
		fmt.Fprintln(os.Stderr, "Set MarkdownDescription (or Description) on each of them; registry docs are generated from it.")
		os.Exit(1)
	}
	fmt.Printf("schemacheck: %d schema element(s) checked, all described\n", checked)
}

// check returns one line per undocumented element, sorted, and the number of
// elements it looked at.
func check(r io.Reader, providerFilter string) ([]string, int, error) {
	var doc providersSchema
	dec := json.NewDecoder(r)
	if err := dec.Decode(&doc); err != nil {
		return nil, 0, fmt.Errorf("reading providers schema JSON: %w", err)
	}
	if doc.ProviderSchemas == nil {
		return nil, 0, fmt.Errorf("no \"provider_schemas\" in the JSON: is it the output of `terraform providers schema -json`?")
	}

	c := &checker{}
	matched := 0
	for addr, raw := range doc.ProviderSchemas {
		if providerFilter != "" && !strings.HasSuffix(addr, providerFilter) {
			continue
		}
		matched++
		if err := c.provider(addr, raw); err != nil {
			return nil, 0, err
		}
	}
	if matched == 0 {
		return nil, 0, fmt.Errorf("no provider in the JSON matches %q", providerFilter)
	}
	sort.Strings(c.problems)
	return c.problems, c.checked, nil
}

type checker struct {
	problems []string
	checked  int
}

func (c *checker) missing(desc, format string, args ...any) {
	c.checked++
	if strings.TrimSpace(desc) == "" {
		c.problems = append(c.problems, fmt.Sprintf(format, args...))
	}
}

func (c *checker) provider(addr string, raw json.RawMessage) error {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return fmt.Errorf("provider %s: %w", addr, err)
	}
	// With more than one provider in the file, say which one a line is about.
	prefix := ""
	if addr != "" {
		prefix = addr + ": "
	}

	for key, value := range fields {
		switch {
		case key == "provider":
			var s schema
			if err := json.Unmarshal(value, &s); err != nil {
				return fmt.Errorf("provider %s: provider schema: %w", addr, err)
			}
			// The provider block itself is described by templates/index.md.tmpl;
			// only its arguments need descriptions.
			if s.Block != nil {
				c.blockContents(s.Block, prefix+"provider configuration", "")
			}
		case key == "functions":
			var fns map[string]function
			if err := json.Unmarshal(value, &fns); err != nil {
				return fmt.Errorf("provider %s: functions: %w", addr, err)
			}
			for name, fn := range fns {
				c.function(prefix, name, fn)
			}
		case key == "resource_identity_schemas":
			if err := c.identities(prefix, value); err != nil {
				return fmt.Errorf("provider %s: %s: %w", addr, key, err)
			}
		case strings.HasSuffix(key, "_schemas"):
			kind, ok := kindNames[key]
			if !ok {
				kind = strings.ReplaceAll(strings.TrimSuffix(key, "_schemas"), "_", " ")
			}
			var schemas map[string]schema
			if err := json.Unmarshal(value, &schemas); err != nil {
				return fmt.Errorf("provider %s: %s: %w", addr, key, err)
			}
			for name, s := range schemas {
				where := fmt.Sprintf("%s%s %s", prefix, kind, name)
				if s.Block == nil {
					c.missing("", "%s: no schema block", where)
					continue
				}
				c.missing(s.Block.Description, "%s: the %s itself", where, kind)
				c.blockContents(s.Block, where, "")
			}
		}
	}
	return nil
}

// identities checks resource identity schemas (CLIs 1.12 and later): their
// attributes, without a block or a description of their own.
func (c *checker) identities(prefix string, raw json.RawMessage) error {
	var identities map[string]block
	if err := json.Unmarshal(raw, &identities); err != nil {
		return err
	}
	for name, id := range identities {
		c.blockContents(&id, fmt.Sprintf("%sresource identity %s", prefix, name), "")
	}
	return nil
}

func (c *checker) blockContents(b *block, where, path string) {
	for name, a := range b.Attributes {
		c.attribute(a, where, join(path, name))
	}
	for name, bt := range b.BlockTypes {
		p := join(path, name)
		if bt.Block == nil {
			c.missing("", "%s: block %q has no schema", where, p)
			continue
		}
		c.missing(bt.Block.Description, "%s: block %q", where, p)
		c.blockContents(bt.Block, where, p)
	}
}

func (c *checker) attribute(a attribute, where, path string) {
	c.missing(a.Description, "%s: attribute %q", where, path)
	if a.NestedType != nil {
		for name, nested := range a.NestedType.Attributes {
			c.attribute(nested, where, join(path, name))
		}
	}
}

func (c *checker) function(prefix, name string, fn function) {
	where := fmt.Sprintf("%sfunction %s", prefix, name)
	c.missing(fn.Summary, "%s: summary", where)
	c.missing(fn.Description, "%s: description", where)
	for i, p := range fn.Parameters {
		label := p.Name
		if label == "" {
			label = fmt.Sprintf("#%d", i+1)
		}
		c.missing(p.Description, "%s: parameter %q", where, label)
	}
	if fn.VariadicParameter != nil {
		c.missing(fn.VariadicParameter.Description, "%s: variadic parameter %q", where, fn.VariadicParameter.Name)
	}
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}
