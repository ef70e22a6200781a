package provider

import (
	"context"
	"fmt"
	"math"
	"math/big"
	"strings"
	"unicode"

	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// Validators and plan-time rules shared by several resources.

// idSegmentProblem says why s cannot be one segment of an ID that the
// provider puts in a URL path, or "" when it can. "." and ".." would make
// the request address another path, and no platform ID has whitespace, so
// a pasted ID with a stray space fails here instead of with a 404.
func idSegmentProblem(s string) string {
	switch {
	case s == "":
		return "a segment is empty"
	case s == "." || s == "..":
		return fmt.Sprintf("%q is not an ID", s)
	case strings.IndexFunc(s, unicode.IsSpace) >= 0:
		return fmt.Sprintf("%q contains whitespace", s)
	case strings.IndexFunc(s, unicode.IsControl) >= 0:
		return fmt.Sprintf("%q contains a control character", s)
	case strings.ContainsAny(s, "/?#"):
		return fmt.Sprintf("%q contains '/', '?' or '#'", s)
	}
	return ""
}

// splitImportID splits an import ID at "/" into minSegments to maxSegments
// segments, each of which passes idSegmentProblem; otherwise it says what
// is wrong, for the caller to show with the expected form.
func splitImportID(raw string, minSegments, maxSegments int) ([]string, string) {
	parts := strings.Split(raw, "/")
	if len(parts) < minSegments || len(parts) > maxSegments {
		want := fmt.Sprint(minSegments)
		if maxSegments != minSegments {
			want = fmt.Sprintf("%d or %d", minSegments, maxSegments)
		}
		return nil, fmt.Sprintf("it has %d segments separated by '/', not %s", len(parts), want)
	}
	for _, p := range parts {
		if problem := idSegmentProblem(p); problem != "" {
			return nil, problem
		}
	}
	return parts, ""
}

// idSegmentValidator applies idSegmentProblem to an ID argument that the
// provider puts in a URL path; example is an ID of the kind.
type idSegmentValidator struct {
	example string
}

var _ validator.String = idSegmentValidator{}

func (v idSegmentValidator) Description(context.Context) string {
	return fmt.Sprintf("must be one ID such as %s: not empty, not \".\" or \"..\", without whitespace, '/', '?' or '#'", v.example)
}

func (v idSegmentValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v idSegmentValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if problem := idSegmentProblem(req.ConfigValue.ValueString()); problem != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid ID",
			fmt.Sprintf("%s %s; %s.", req.Path, v.Description(ctx), problem))
	}
}

// idArgumentValidator is idSegmentValidator for the function argument
// name: a function call is checked before it runs, like an attribute.
type idArgumentValidator struct {
	name string
	idSegmentValidator
}

var _ function.StringParameterValidator = idArgumentValidator{}

func (v idArgumentValidator) ValidateParameterString(ctx context.Context, req function.StringParameterValidatorRequest,
	resp *function.StringParameterValidatorResponse) {
	if req.Value.IsNull() || req.Value.IsUnknown() {
		return
	}
	if problem := idSegmentProblem(req.Value.ValueString()); problem != "" {
		resp.Error = function.NewArgumentFuncError(req.ArgumentPosition,
			fmt.Sprintf("%s %s; %s.", v.name, v.Description(ctx), problem))
	}
}

// notWhitespaceOnly refuses a value of nothing but whitespace: a name the
// buyer would see as blank, or a credential pasted from an empty line,
// which the platform would only refuse after a request. The empty string
// is left to the attribute's other rules (a credential's "" means "not
// set"), and the value is never shown, because it may be a secret.
type notWhitespaceOnly struct{}

var _ validator.String = notWhitespaceOnly{}

func (notWhitespaceOnly) Description(context.Context) string {
	return "must contain a character other than whitespace"
}

func (v notWhitespaceOnly) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v notWhitespaceOnly) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if s := req.ConfigValue.ValueString(); s != "" && strings.TrimSpace(s) == "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Attribute Value",
			fmt.Sprintf("Attribute %s %s: it holds only spaces, tabs or line breaks.", req.Path, v.Description(ctx)))
	}
}

// noControlCharacters refuses a name or text with control characters
// (NUL, escape, line breaks and the like): the buyer would see them on the
// checkout or the invoice, terminals would act on them in Terraform's own
// output, and the platform documents no rule for them. lineBreaks lets tab
// and line breaks through, for a text written as a heredoc.
type noControlCharacters struct {
	lineBreaks bool
}

var _ validator.String = noControlCharacters{}

func (v noControlCharacters) Description(context.Context) string {
	if v.lineBreaks {
		return "must not contain control characters other than tab and line breaks (such as NUL or escape)"
	}
	return "must not contain control characters (such as NUL, tab or a line break)"
}

func (v noControlCharacters) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v noControlCharacters) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	for i, r := range []rune(req.ConfigValue.ValueString()) {
		lineBreak := r == '\t' || r == '\n' || r == '\r'
		if unicode.IsControl(r) && (!v.lineBreaks || !lineBreak) {
			resp.Diagnostics.AddAttributeError(req.Path, "Invalid Attribute Value",
				fmt.Sprintf("Attribute %s %s: it holds %U at character %d.", req.Path, v.Description(ctx), r, i+1))
			return
		}
	}
}

// maxRequestsPerSecond bounds requests_per_second: far beyond any rate a
// platform API allows, and within what a float64 holds exactly enough.
const maxRequestsPerSecond = 1_000_000

// requestsPerSecondRule keeps requests_per_second from 0 to
// maxRequestsPerSecond. The attribute is a number rather than a float64
// so that a value no float64 holds (1e400) is refused here, naming the
// attribute, instead of failing the framework's conversion.
type requestsPerSecondRule struct{}

var _ validator.Number = requestsPerSecondRule{}

func (requestsPerSecondRule) Description(context.Context) string {
	return fmt.Sprintf("must be a number from 0 to %d (0 means no limit)", maxRequestsPerSecond)
}

func (v requestsPerSecondRule) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v requestsPerSecondRule) ValidateNumber(ctx context.Context, req validator.NumberRequest, resp *validator.NumberResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	n := req.ConfigValue.ValueBigFloat()
	if n.Sign() < 0 || n.Cmp(big.NewFloat(maxRequestsPerSecond)) > 0 {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Attribute Value",
			fmt.Sprintf("Attribute %s %s, got %s.", req.Path, v.Description(ctx), n.Text('g', -1)))
	}
}

// dollars formats an amount in cents as dollars: 1900 → "$19.00".
func dollars(cents int64) string {
	// Quotient and remainder are negated apart: -cents would overflow
	// for the smallest int64.
	sign, units, hundredths := "", cents/100, cents%100
	if cents < 0 {
		sign, units, hundredths = "-", -units, -hundredths
	}
	return fmt.Sprintf("%s$%d.%02d", sign, units, hundredths)
}

// centsAndDollars is how diagnostics show money: "1900 cents ($19.00)".
func centsAndDollars(cents int64) string {
	return fmt.Sprintf("%d cents (%s)", cents, dollars(cents))
}

// mulCents multiplies an amount in cents by a count of at least 1,
// reporting false when the product does not fit in 64 bits.
func mulCents(cents, count int64) (int64, bool) {
	if count <= 0 || cents < 0 {
		return 0, false
	}
	if cents > math.MaxInt64/count {
		return 0, false
	}
	return cents * count, true
}

// priceTimesQuantityFits refuses a direct charge whose total, price ×
// quantity, does not fit in the 64 bits of cents that the platform and the
// state hold. per_account multiplies it again by a number of accounts no
// plan can know, so that factor is left to the platform.
type priceTimesQuantityFits struct{}

var _ resource.ConfigValidator = priceTimesQuantityFits{}

func (priceTimesQuantityFits) Description(context.Context) string {
	return "price × quantity must be at most 9223372036854775807 cents"
}

func (v priceTimesQuantityFits) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (priceTimesQuantityFits) ValidateResource(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var price, quantity wholeNumber
	// A value that cannot be read is reported by its attribute's own
	// validation; reporting it here again would only repeat it.
	if d := req.Config.GetAttribute(ctx, path.Root("price"), &price); d.HasError() {
		return
	}
	if d := req.Config.GetAttribute(ctx, path.Root("quantity"), &quantity); d.HasError() {
		return
	}
	if price.IsNull() || price.IsUnknown() || quantity.IsNull() || quantity.IsUnknown() ||
		price.ValueInt64() < 1 || quantity.ValueInt64() < 1 {
		return
	}
	if _, ok := mulCents(price.ValueInt64(), quantity.ValueInt64()); !ok {
		resp.Diagnostics.AddAttributeError(path.Root("quantity"), "Total too large",
			fmt.Sprintf("The buyer pays price × quantity, and %d × %d cents is more than the largest amount the platform "+
				"holds (9223372036854775807 cents). Lower price or quantity.", price.ValueInt64(), quantity.ValueInt64()))
	}
}
