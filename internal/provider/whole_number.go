package provider

import (
	"context"
	"fmt"
	"math/big"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/attr/xattr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// The type of every Int64 argument a user sets. The framework's Int64
// decodes a configured 19.99 with an error that blames the provider
// ("Please report the following to the provider developer") before any
// validator runs. This type accepts every number Terraform sends and keeps
// one that is not a 64-bit whole number as it is; its validation, which the
// framework runs while it reads the configuration, reports that as the
// user's mistake and names the attribute. A state holds a number as before,
// so existing states read back unchanged.

var (
	_ basetypes.Int64Typable      = wholeNumberType{}
	_ basetypes.Int64Valuable     = wholeNumber{}
	_ xattr.ValidateableAttribute = wholeNumber{}
)

// wholeNumberType is the schema type (CustomType) of a whole-number
// argument; with cents, of an amount of money in cents, whose error shows
// the cents of the dollar amount the user probably meant.
type wholeNumberType struct {
	basetypes.Int64Type
	cents bool
}

// centsType and countType are the two kinds of whole numbers.
var (
	centsType = wholeNumberType{cents: true}
	countType = wholeNumberType{}
)

func (t wholeNumberType) Equal(o attr.Type) bool {
	other, ok := o.(wholeNumberType)
	return ok && other.cents == t.cents
}

func (t wholeNumberType) String() string {
	if t.cents {
		return "provider.centsType"
	}
	return "provider.wholeNumberType"
}

func (t wholeNumberType) ValueType(context.Context) attr.Value {
	return wholeNumber{cents: t.cents}
}

func (t wholeNumberType) ValueFromInt64(_ context.Context, v basetypes.Int64Value) (basetypes.Int64Valuable, diag.Diagnostics) {
	return wholeNumber{Int64Value: v, cents: t.cents}, nil
}

// ValueFromTerraform accepts any number: one that is not a 64-bit whole
// number is kept for ValidateAttribute to report.
func (t wholeNumberType) ValueFromTerraform(_ context.Context, in tftypes.Value) (attr.Value, error) {
	v := wholeNumber{cents: t.cents}
	switch {
	case !in.IsKnown():
		v.Int64Value = basetypes.NewInt64Unknown()
	case in.IsNull():
		v.Int64Value = basetypes.NewInt64Null()
	default:
		var f *big.Float
		if err := in.As(&f); err != nil {
			return nil, err
		}
		i, accuracy := f.Int64()
		v.Int64Value = basetypes.NewInt64Value(i)
		if !f.IsInt() || accuracy != big.Exact {
			v.notWhole = f
		}
	}
	return v, nil
}

// wholeNumber is the value of a wholeNumberType.
type wholeNumber struct {
	basetypes.Int64Value
	cents bool
	// notWhole is the configured number when it is not a 64-bit whole
	// number; the value is then invalid and never reaches a plan.
	notWhole *big.Float
}

// centsValue and countValue are the known values of the two kinds.
func centsValue(n int64) wholeNumber {
	return wholeNumber{Int64Value: basetypes.NewInt64Value(n), cents: true}
}
func countValue(n int64) wholeNumber { return wholeNumber{Int64Value: basetypes.NewInt64Value(n)} }

func (v wholeNumber) Type(context.Context) attr.Type { return wholeNumberType{cents: v.cents} }

func (v wholeNumber) Equal(o attr.Value) bool {
	other, ok := o.(wholeNumber)
	if !ok || other.cents != v.cents || (v.notWhole == nil) != (other.notWhole == nil) {
		return false
	}
	if v.notWhole != nil {
		return v.notWhole.Cmp(other.notWhole) == 0
	}
	return v.Int64Value.Equal(other.Int64Value)
}

func (v wholeNumber) ToTerraformValue(ctx context.Context) (tftypes.Value, error) {
	if v.notWhole != nil {
		return tftypes.NewValue(tftypes.Number, v.notWhole), nil
	}
	return v.Int64Value.ToTerraformValue(ctx)
}

func (v wholeNumber) String() string {
	if v.notWhole != nil {
		return v.notWhole.Text('g', -1)
	}
	return v.Int64Value.String()
}

func (v wholeNumber) ToInt64Value(context.Context) (basetypes.Int64Value, diag.Diagnostics) {
	var diags diag.Diagnostics
	if v.notWhole != nil {
		diags.AddError("Not a whole number", v.notWhole.Text('g', -1)+" is not a 64-bit whole number.")
		return basetypes.NewInt64Unknown(), diags
	}
	return v.Int64Value, diags
}

// ValidateAttribute refuses a number that is not a 64-bit whole number.
func (v wholeNumber) ValidateAttribute(_ context.Context, req xattr.ValidateAttributeRequest, resp *xattr.ValidateAttributeResponse) {
	if v.notWhole == nil {
		return
	}
	summary, detail := v.problem(req.Path.String())
	resp.Diagnostics.AddAttributeError(req.Path, summary, detail)
}

// problem is the error of an invalid value of the attribute attr.
func (v wholeNumber) problem(attr string) (summary, detail string) {
	text := v.notWhole.Text('g', -1)
	whole := v.notWhole.IsInt()
	switch {
	case v.cents && whole:
		return "Amount out of range", fmt.Sprintf("%s must be a whole number of cents that fits in 64 bits "+
			"(at most 9223372036854775807): %s is not.", attr, text)
	case v.cents:
		return "Amount is not whole cents", fmt.Sprintf("%s must be a whole number of cents: %s is not; %s"+
			"Prices are integer cents: 1900 is $19.00.", attr, text, centsHint(v.notWhole))
	case whole:
		return "Number out of range", fmt.Sprintf("%s must be a whole number that fits in 64 bits "+
			"(at most 9223372036854775807): %s is not.", attr, text)
	default:
		return "Not a whole number", fmt.Sprintf("%s must be a whole number: %s is not.", attr, text)
	}
}

// centsHint reads a fractional amount as dollars, the usual mistake:
// 19.99 → "write 1999 for $19.99. ".
func centsHint(dollarsAmount *big.Float) string {
	scaled := new(big.Float).Mul(dollarsAmount, big.NewFloat(100))
	rounded, ok := new(big.Int).SetString(scaled.Text('f', 0), 10)
	if !ok || !rounded.IsInt64() {
		return ""
	}
	return fmt.Sprintf("write %d for %s. ", rounded.Int64(), dollars(rounded.Int64()))
}
