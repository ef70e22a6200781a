package provider

import (
	"context"
	"fmt"
	"iter"
	"sort"
	"strings"
	"unicode"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
)

// The plumbing every list resource shares (`terraform query`, Terraform
// 1.14 and later; platform-api.md §4.10). A list resource only finds the
// objects: each one's identity, display name and, when include_resource
// asks for it, its whole state, built by the same converters as the
// resource's Read after an import, so that the configuration
// `terraform query -generate-config-out` writes from it plans clean.

// listConfigNote ends every list resource's description: the arguments
// the page lists go in a block the page would not otherwise show.
const listConfigNote = "\n\nThe arguments below go in the list block's `config` block; `include_resource = true` " +
	"adds each object's whole state to the results, as `terraform query -generate-config-out` needs it."

// listedObject is one object a list resource found.
type listedObject struct {
	// identity is the resource identity, every attribute a string.
	identity map[string]string
	// displayName is what `terraform query` shows for the object.
	displayName string
	// state builds the resource's state; it is called only when the list
	// block sets include_resource, so that a plain list makes no call
	// beyond the listing itself.
	state func(ctx context.Context) (any, diag.Diagnostics)
	// leftOut, when set instead of the rest, warns of an object the list
	// does not return and says why. It does not count against the limit.
	leftOut diag.Diagnostic
}

// listWalk finds the objects of a list, handing each to yield until yield
// returns false. An error ends the list.
type listWalk func(ctx context.Context, yield func(listedObject) bool) error

// streamList turns a walk into the results of a list resource. It stops
// the walk once Terraform has the limit it asked for, so a long list reads
// only the pages Terraform shows. what names the objects in an error
// ("partner campaigns").
func streamList(ctx context.Context, req list.ListRequest, what string, walk listWalk) iter.Seq[list.ListResult] {
	return func(push func(list.ListResult) bool) {
		var sent int64
		stopped := false
		err := walk(ctx, func(obj listedObject) bool {
			if obj.leftOut == nil {
				obj.leftOut = unimportableIdentity(what, obj.identity)
			}
			if obj.leftOut != nil {
				stopped = !push(list.ListResult{Diagnostics: diag.Diagnostics{obj.leftOut}})
				return !stopped
			}
			obj.displayName = printable(obj.displayName)
			sent++
			stopped = !push(listResultFor(ctx, req, obj))
			return !stopped && (req.Limit <= 0 || sent < req.Limit)
		})
		if err != nil && !stopped {
			var diags diag.Diagnostics
			addAPIError(&diags, "Unable to list "+what, err)
			push(list.ListResult{Diagnostics: diags})
		}
	}
}

// listResultFor is the list result of one object.
func listResultFor(ctx context.Context, req list.ListRequest, obj listedObject) list.ListResult {
	result := req.NewListResult(ctx)
	result.DisplayName = obj.displayName
	for name, value := range obj.identity {
		result.Diagnostics.Append(result.Identity.SetAttribute(ctx, path.Root(name), value)...)
	}
	if !req.IncludeResource || result.Diagnostics.HasError() {
		return result
	}
	state, diags := obj.state(ctx)
	result.Diagnostics.Append(diags...)
	if !diags.HasError() {
		result.Diagnostics.Append(result.Resource.Set(ctx, state)...)
	}
	return result
}

// listConfig begins a List: it needs the configured client and reads the
// list block's configuration into T. When it reports false, stream
// carries the diagnostics that say why.
func listConfig[T any](ctx context.Context, data *providerData, req list.ListRequest, stream *list.ListResultsStream) (T, bool) {
	var diags diag.Diagnostics
	cfg, ok := clientAndModel[T](ctx, data, req.Config.Get, &diags)
	if !ok {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
	}
	return cfg, ok
}

// unimportableIdentity warns of a listed object whose identity the import
// would refuse: a value the platform listed with '/', whitespace or a
// control character, or none at all. As a result it would give a
// generated import block that fails, or one whose value spills into
// another segment and names another object.
func unimportableIdentity(what string, identity map[string]string) diag.Diagnostic {
	names := make([]string, 0, len(identity))
	for name := range identity {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if problem := idSegmentProblem(identity[name]); problem != "" {
			return diag.NewWarningDiagnostic("Listed object cannot be imported",
				fmt.Sprintf("The platform listed one of the %s with a %s that is not one ID (%s), so it is left out of the "+
					"list: an import of it would fail or name another object.", what, name, problem))
		}
	}
	return nil
}

// printable replaces the control characters of a display name (the
// platform's text, shown on the user's terminal) with U+FFFD, so that a
// name cannot carry terminal escape sequences.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return unicode.ReplacementChar
		}
		return r
	}, s)
}
