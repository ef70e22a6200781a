package client

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
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

// FindCreatedDirectCharge looks for the charge an ambiguous create of req may
// have made (API.md §4: a direct charge is reconciled by listing it by name,
// price and time). It walks the pending charges newest first and stops at
// the first page older than since, so it reads a page or two, not the whole
// history. It returns nil when no charge matches, and an error when several
// do: then nobody can tell which one the request made.
func (c *Client) FindCreatedDirectCharge(ctx context.Context, product string, req DirectChargeRequest, since time.Time) (*DirectCharge, error) {
	var found []DirectCharge
	for page := 1; page <= maxPages; page++ {
		items, err := c.ListDirectChargesPage(ctx, product, page, DirectChargeFilter{Status: "pending"})
		if err != nil {
			return nil, err
		}
		older := false
		for _, dc := range items {
			if dc.CreatedAt.Before(since) {
				older = true
				continue
			}
			if dc.Name == req.Name && dc.Price == req.Price && dc.Quantity == req.Quantity &&
				dc.ReturnURL == req.ReturnURL && dc.PerAccount == req.PerAccount && dc.Test == req.Test {
				found = append(found, dc)
			}
		}
		if older || len(items) < DirectChargePageSize {
			break
		}
	}
	switch len(found) {
	case 0:
		return nil, nil
	case 1:
		return &found[0], nil
	default:
		ids := make([]string, len(found))
		for i, dc := range found {
			ids[i] = dc.ID
		}
		return nil, fmt.Errorf("%d pending direct charges match the request (%s)", len(found), strings.Join(ids, ", "))
	}
}
