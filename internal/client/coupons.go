package client

import "context"

// Coupon is a Partner Program discount a campaign can offer.
type Coupon struct {
	ID    int64  `json:"id"`
	Label string `json:"label"`
}

// ListCoupons returns the coupons available to the partner.
func (c *Client) ListCoupons(ctx context.Context) ([]Coupon, error) {
	var out struct {
		Result []Coupon `json:"result"`
	}
	err := c.do(ctx, request{api: APIPartners, method: "GET", path: "/v2/partners/coupons", out: &out})
	return out.Result, err
}
