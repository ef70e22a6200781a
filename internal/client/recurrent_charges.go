package client

import (
	"context"
	"time"
)

// RecurrentCharge is a subscription the buyer pays every Months months
// (platform-api.md §1.1). Money is in cents; unset timestamps are nil.
type RecurrentCharge struct {
	ChargeCommon
	ExternalID      string     `json:"external_id"`
	TrialDays       int64      `json:"trial_days"`
	Months          int64      `json:"months"`
	TrialEndsAt     *time.Time `json:"trial_ends_at"`
	CancelledAt     *time.Time `json:"cancelled_at"`
	CurrentChargeAt *time.Time `json:"current_charge_at"`
	NextChargeAt    *time.Time `json:"next_charge_at"`
}

// RecurrentChargeRequest creates a recurrent charge. Zero values of the
// optional fields take the platform's defaults (no trial, monthly).
type RecurrentChargeRequest struct {
	Name       string `json:"name"`
	Price      int64  `json:"price"`
	ReturnURL  string `json:"return_url"`
	ExternalID string `json:"external_id,omitempty"`
	Test       bool   `json:"test"`
	TrialDays  int64  `json:"trial_days"`
	Months     int64  `json:"months,omitempty"`
	PerAccount bool   `json:"per_account"`
}

// CreateRecurrentCharge creates a pending recurrent charge for product.
// It moves money once accepted, so it is retried only when the platform
// provably did not act on it. The platform cannot list recurrent charges,
// so an unknown outcome cannot be reconciled: the CreateError says so.
func (c *Client) CreateRecurrentCharge(ctx context.Context, product string, req RecurrentChargeRequest) (CreateResult[RecurrentCharge], error) {
	return create(ctx, c, chargeSpec(c, ChargeTypeRecurrent, product, req,
		func(rc *RecurrentCharge) *ChargeCommon { return &rc.ChargeCommon }))
}

// GetRecurrentCharge reads a recurrent charge; an unknown id is a 404 APIError.
func (c *Client) GetRecurrentCharge(ctx context.Context, product, id string) (*RecurrentCharge, error) {
	return chargeCall[RecurrentCharge](ctx, c, "GET", ChargeTypeRecurrent, product, id, "")
}

// ActivateRecurrentCharge starts a charge the buyer accepted (or retries a
// frozen one). The platform answers 422 in other states.
func (c *Client) ActivateRecurrentCharge(ctx context.Context, product, id string) (*RecurrentCharge, error) {
	return activateCharge(ctx, c, ChargeTypeRecurrent, product, id, func(rc *RecurrentCharge) *ChargeCommon { return &rc.ChargeCommon })
}

// CancelRecurrentCharge cancels a charge; 422 when its state does not allow it.
func (c *Client) CancelRecurrentCharge(ctx context.Context, product, id string) (*RecurrentCharge, error) {
	return chargeCall[RecurrentCharge](ctx, c, "PUT", ChargeTypeRecurrent, product, id, "cancel")
}

// UnmarshalJSON reads buyer_license_id and commission_percent leniently: a
// number, a numeric string or null.
func (rc *RecurrentCharge) UnmarshalJSON(data []byte) error {
	type plain RecurrentCharge
	aux := struct {
		*plain
		lenientChargeInts
	}{plain: (*plain)(rc)}
	return decodeCharge(data, &aux, &aux.lenientChargeInts, &rc.ChargeCommon)
}
