// Command ownschemas writes this provider's list resource schemas and
// resource identity schemas, from its own GetProviderSchema and
// GetResourceIdentitySchemas, into a schema file that
// `terraform providers schema -json` wrote. tfplugindocs documents list
// resources from that file's list_resource_schemas, which Terraform dumps
// only from 1.14 on, and resource identities from its
// resource_identity_schemas, which Terraform dumps only from 1.12 on;
// Terraform 1.11 leaves both out and OpenTofu 1.12 the first, so
// scripts/docs.sh adds them here before tfplugindocs runs. The provider's
// own schemas replace whatever the file had, so every CLI yields the same
// docs.
//
// Usage:
//
//	ownschemas [-provider ADDRESS] SCHEMA.json
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
	written, err := addOwnSchemas(context.Background(), flag.Arg(0), *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "ownschemas:", err)
		os.Exit(1)
	}
	for _, key := range sortedKeys(written) {
		fmt.Fprintf(os.Stderr, "ownschemas: %s of %d object(s) written into %s: %v\n", key, len(written[key]), flag.Arg(0), written[key])
	}
}

// addOwnSchemas sets list_resource_schemas and resource_identity_schemas of
// the provider at addr in the file to the provider's own, and returns the
// names written under each key.
func addOwnSchemas(ctx context.Context, file, addr string) (map[string][]string, error) {
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
	own, err := ownSchemas(ctx)
	if err != nil {
		return nil, err
	}
	written := map[string][]string{}
	for key, byName := range own {
		if schemas[key], err = json.Marshal(byName); err != nil {
			return nil, err
		}
		written[key] = sortedKeys(byName)
	}
	if doc["provider_schemas"], err = json.Marshal(providers); err != nil {
		return nil, err
	}
	out, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	return written, os.WriteFile(file, out, 0o600)
}

func sortedKeys[V any](m map[string]V) []string {
	names := make([]string, 0, len(m))
	for name := range m {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// ownSchemas asks the provider, served in this process as Terraform
// reaches it, for its list resource and resource identity schemas, in the
// CLI's JSON form, by the key each has in the file.
func ownSchemas(ctx context.Context) (map[string]map[string]any, error) {
	srv, err := providerserver.NewProtocol6WithError(provider.New("docs")())()
	if err != nil {
		return nil, err
	}
	lists, err := ownListSchemas(ctx, srv)
	if err != nil {
		return nil, err
	}
	identities, err := ownIdentitySchemas(ctx, srv)
	if err != nil {
		return nil, err
	}
	return map[string]map[string]any{"list_resource_schemas": lists, "resource_identity_schemas": identities}, nil
}

func ownListSchemas(ctx context.Context, srv tfprotov6.ProviderServer) (map[string]any, error) {
	resp, err := srv.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		return nil, err
	}
	if err := diagnosticsError("GetProviderSchema", resp.Diagnostics); err != nil {
		return nil, err
	}
	if len(resp.ListResourceSchemas) == 0 {
		return nil, errors.New("the provider has no list resources")
	}
	out := map[string]any{}
	for name, s := range resp.ListResourceSchemas {
		block, err := toJSONBlock(s.Block)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		out[name] = jsonSchema{Version: s.Version, Block: block}
	}
	return out, nil
}

func ownIdentitySchemas(ctx context.Context, srv tfprotov6.ProviderServer) (map[string]any, error) {
	resp, err := srv.GetResourceIdentitySchemas(ctx, &tfprotov6.GetResourceIdentitySchemasRequest{})
	if err != nil {
		return nil, err
	}
	if err := diagnosticsError("GetResourceIdentitySchemas", resp.Diagnostics); err != nil {
		return nil, err
	}
	if len(resp.IdentitySchemas) == 0 {
		return nil, errors.New("the provider has no resource identities")
	}
	out := map[string]any{}
	for name, s := range resp.IdentitySchemas {
		identity, err := toJSONIdentity(s)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		out[name] = identity
	}
	return out, nil
}

func diagnosticsError(rpc string, diags []*tfprotov6.Diagnostic) error {
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			return fmt.Errorf("%s: %s: %s", rpc, d.Summary, d.Detail)
		}
	}
	return nil
}
