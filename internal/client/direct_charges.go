package client

import (
	"context"
	"net/url"
	"strconv"
)

// DirectChargePageSize is the direct charge list's page size.
const DirectChargePageSize = 20

// DirectCharge is a one-time charge of Price × Quantity cents (API.md §1.2).
type DirectCharge struct {
	ChargeCommon
	Quantity          int64  `json:"quantity"`
	RecurrentChargeID string `json:"recurrent_charge_id,omitempty"`
}

// DirectChargeRequest creates a direct charge.
type DirectChargeRequest struct {
	Name       string `json:"name"`
	Price      int64  `json:"price"`
	Quantity   int64  `json:"quantity"`
	ReturnURL  string `json:"return_url"`
	PerAccount bool   `json:"per_account"`
	Test       bool   `json:"test"`
}

// DirectChargeFilter narrows a direct charge list; empty fields match all.
type DirectChargeFilter struct {
	Status            string
	RecurrentChargeID string
}

// CreateDirectCharge creates a pending direct charge for product. It is
// retried only when the platform provably did not act on it.
func (c *Client) CreateDirectCharge(ctx context.Context, product string, req DirectChargeRequest) (*DirectCharge, error) {
	return postCharge[DirectCharge](ctx, c, ChargeTypeDirect, product, req)
}

// GetDirectCharge reads a direct charge; an unknown id is a 404 APIError.
func (c *Client) GetDirectCharge(ctx context.Context, product, id string) (*DirectCharge, error) {
	return chargeCall[DirectCharge](ctx, c, "GET", ChargeTypeDirect, product, id, "")
}

// ActivateDirectCharge hands a charge the buyer accepted to the payment
// gateway (status processed); the platform answers 422 in other states.
func (c *Client) ActivateDirectCharge(ctx context.Context, product, id string) (*DirectCharge, error) {
	return chargeCall[DirectCharge](ctx, c, "PUT", ChargeTypeDirect, product, id, "activate")
}

// ListDirectChargesPage returns one page (first is 1) of product's direct
// charges matching filter, newest first.
func (c *Client) ListDirectChargesPage(ctx context.Context, product string, page int, filter DirectChargeFilter) ([]DirectCharge, error) {
	p, err := chargePath(ChargeTypeDirect, product, "")
	if err != nil {
		return nil, err
	}
	q := url.Values{"page": {strconv.Itoa(page)}}
	if filter.Status != "" {
		q.Set("status", filter.Status)
	}
	if filter.RecurrentChargeID != "" {
		q.Set("recurrent_charge_id", filter.RecurrentChargeID)
	}
	var out struct {
		Result []DirectCharge `json:"result"`
	}
	err = c.do(ctx, request{api: APIBilling, method: "GET", path: p, query: q, out: &out})
	return out.Result, err
}

// ListDirectCharges returns every direct charge of product matching
// filter, newest first.
func (c *Client) ListDirectCharges(ctx context.Context, product string, filter DirectChargeFilter) ([]DirectCharge, error) {
	return WalkPages(ctx, DirectChargePageSize, func(ctx context.Context, page int) ([]DirectCharge, error) {
		return c.ListDirectChargesPage(ctx, product, page, filter)
	})
}

// UnmarshalJSON reads buyer_license_id and commission_percent leniently: a
// number, a numeric string or null.
func (dc *DirectCharge) UnmarshalJSON(data []byte) error {
	type plain DirectCharge
	aux := struct {
		*plain
		lenientChargeInts
	}{plain: (*plain)(dc)}
	return decodeCharge(data, &aux, &aux.lenientChargeInts, &dc.ChargeCommon)
}
