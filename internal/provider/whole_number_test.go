package provider

import (
	"context"
	"math/big"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr/xattr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// decodeWhole decodes a number as the framework does and validates it.
func decodeWhole(t *testing.T, typ wholeNumberType, number string) (wholeNumber, *xattr.ValidateAttributeResponse) {
	t.Helper()
	f, ok := new(big.Float).SetString(number)
	if !ok {
		t.Fatalf("bad test number %q", number)
	}
	v, err := typ.ValueFromTerraform(context.Background(), tftypes.NewValue(tftypes.Number, f))
	if err != nil {
		t.Fatalf("%s: ValueFromTerraform must accept every number, got %v", number, err)
	}
	w, ok := v.(wholeNumber)
	if !ok {
		t.Fatalf("%s: value %T", number, v)
	}
	resp := &xattr.ValidateAttributeResponse{}
	w.ValidateAttribute(context.Background(), xattr.ValidateAttributeRequest{Path: path.Root("price")}, resp)
	return w, resp
}

func TestWholeNumber_refusesWhatIsNotWhole(t *testing.T) {
	for _, tc := range []struct {
		typ    wholeNumberType
		number string
		detail string
	}{
		{centsType, "19.99", "price must be a whole number of cents: 19.99 is not; write 1999 for $19.99. " +
			"Prices are integer cents: 1900 is $19.00."},
		{centsType, "0.5", "price must be a whole number of cents: 0.5 is not; write 50 for $0.50. " +
			"Prices are integer cents: 1900 is $19.00."},
		{centsType, "1e30", "price must be a whole number of cents that fits in 64 bits (at most 9223372036854775807): 1e+30 is not."},
		{countType, "2.5", "price must be a whole number: 2.5 is not."},
		{countType, "9223372036854775808", "price must be a whole number that fits in 64 bits (at most 9223372036854775807): " +
			"9.223372036854775808e+18 is not."},
	} {
		_, resp := decodeWhole(t, tc.typ, tc.number)
		errs := resp.Diagnostics.Errors()
		if len(errs) != 1 || errs[0].Detail() != tc.detail {
			t.Errorf("%s %s: got %v, want %q", tc.typ, tc.number, resp.Diagnostics, tc.detail)
		}
	}
}

func TestWholeNumber_acceptsWholeNumbers(t *testing.T) {
	ctx := context.Background()
	for _, number := range []string{"1999", "0", "-3", "9223372036854775807"} {
		w, resp := decodeWhole(t, centsType, number)
		if resp.Diagnostics.HasError() {
			t.Fatalf("%s: %v", number, resp.Diagnostics)
		}
		want, _ := new(big.Int).SetString(number, 10)
		if w.ValueInt64() != want.Int64() {
			t.Errorf("%s read as %d", number, w.ValueInt64())
		}
		// The state keeps the number as it was: an existing state reads back unchanged.
		raw, err := w.ToTerraformValue(ctx)
		var back *big.Float
		if err != nil || raw.As(&back) != nil || back.String() != new(big.Float).SetInt(want).String() {
			t.Errorf("%s written back as %v (%v)", number, raw, err)
		}
		if !w.Equal(centsValue(want.Int64())) || w.Equal(countValue(want.Int64())) {
			t.Errorf("%s: equality with the same amount of the same kind only", number)
		}
	}
	for _, in := range []tftypes.Value{tftypes.NewValue(tftypes.Number, nil), tftypes.NewValue(tftypes.Number, tftypes.UnknownValue)} {
		v, err := countType.ValueFromTerraform(ctx, in)
		w, ok := v.(wholeNumber)
		if err != nil || !ok || (w.IsNull() == w.IsUnknown()) {
			t.Errorf("%v: %v %v", in, v, err)
		}
	}
}
