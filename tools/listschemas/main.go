// Command listschemas writes this provider's list resource schemas, from
// its own GetProviderSchema, into a schema file that
// `terraform providers schema -json` wrote. tfplugindocs documents list
// resources from that file's list_resource_schemas, which Terraform dumps
// only from 1.14 on; Terraform 1.11 and OpenTofu 1.12 leave them out, so
// scripts/docs.sh adds them here before tfplugindocs runs. The provider's
// own schemas replace whatever the file had, so every CLI yields the same
// docs.
//
// Usage:
//
//	listschemas [-provider ADDRESS] SCHEMA.json
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/livechat-tf/terraform-provider-livechat/internal/provider"
)

func main() {
	addr := flag.String("provider", "registry.terraform.io/hashicorp/livechat", "the provider's address in the file")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: %s [-provider ADDRESS] SCHEMA.json\n\n", os.Args[0])
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	names, err := addListSchemas(context.Background(), flag.Arg(0), *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "listschemas:", err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "listschemas: %d list resource schema(s) written into %s: %v\n", len(names), flag.Arg(0), names)
}

// addListSchemas sets list_resource_schemas of the provider at addr in the
// file to the provider's own, and returns their names.
func addListSchemas(ctx context.Context, file, addr string) ([]string, error) {
	raw, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	var providers map[string]map[string]json.RawMessage
	if err := json.Unmarshal(doc["provider_schemas"], &providers); err != nil || providers == nil {
		return nil, fmt.Errorf("%s has no provider_schemas: is it the output of `terraform providers schema -json`?", file)
	}
	schemas, ok := providers[addr]
	if !ok {
		return nil, fmt.Errorf("%s has no provider %s", file, addr)
	}
	lists, err := ownListSchemas(ctx)
	if err != nil {
		return nil, err
	}
	if schemas["list_resource_schemas"], err = json.Marshal(lists); err != nil {
		return nil, err
	}
	if doc["provider_schemas"], err = json.Marshal(providers); err != nil {
		return nil, err
	}
	out, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(lists))
	for name := range lists {
		names = append(names, name)
	}
	sort.Strings(names)
	return names, os.WriteFile(file, out, 0o600)
}

// ownListSchemas asks the provider, served in this process as Terraform
// reaches it, for its list resource schemas, in the CLI's JSON form.
func ownListSchemas(ctx context.Context) (map[string]jsonSchema, error) {
	srv, err := providerserver.NewProtocol6WithError(provider.New("docs")())()
	if err != nil {
		return nil, err
	}
	resp, err := srv.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		return nil, err
	}
	for _, d := range resp.Diagnostics {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			return nil, fmt.Errorf("GetProviderSchema: %s: %s", d.Summary, d.Detail)
		}
	}
	if len(resp.ListResourceSchemas) == 0 {
		return nil, errors.New("the provider has no list resources")
	}
	out := map[string]jsonSchema{}
	for name, s := range resp.ListResourceSchemas {
		block, err := toJSONBlock(s.Block)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		out[name] = jsonSchema{Version: s.Version, Block: block}
	}
	return out, nil
}
