package client

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Billing products, the <product> path segment of charges (API.md §1).
const (
	ProductLiveChat = "livechat"
	ProductHelpDesk = "helpdesk"
)

// Charge statuses (API.md §1.1, §1.2). The platform may add others, so
// statuses are plain strings.
const (
	ChargePending   = "pending"
	ChargeAccepted  = "accepted"
	ChargeDeclined  = "declined"
	ChargeProcessed = "processed"
	ChargeActive    = "active"
	ChargePastDue   = "past_due"
	ChargeFrozen    = "frozen"
	ChargeCancelled = "cancelled"
	ChargeSuccess   = "success"
	ChargeFailed    = "failed"
)

// RecurrentCharge is a subscription the buyer pays every Months months
// (API.md §1.1). Money is in cents; unset timestamps are nil.
type RecurrentCharge struct {
	ID                  string     `json:"id"`
	BuyerOrganizationID string     `json:"buyer_organization_id"`
	BuyerLicenseID      int64      `json:"buyer_license_id"`
	BuyerAccountID      string     `json:"buyer_account_id"`
	BuyerEntityID       string     `json:"buyer_entity_id"`
	SellerClientID      string     `json:"seller_client_id"`
	OrderClientID       string     `json:"order_client_id"`
	OrderOrganizationID string     `json:"order_organization_id"`
	OrderEntityID       string     `json:"order_entity_id,omitempty"`
	ExternalID          string     `json:"external_id"`
	Name                string     `json:"name"`
	Price               int64      `json:"price"`
	TrialDays           int64      `json:"trial_days"`
	Months              int64      `json:"months"`
	ReturnURL           string     `json:"return_url"`
	Test                bool       `json:"test"`
	PerAccount          bool       `json:"per_account"`
	Status              string     `json:"status"`
	ConfirmationURL     string     `json:"confirmation_url"`
	CommissionPercent   int64      `json:"commission_percent"`
	TrialEndsAt         *time.Time `json:"trial_ends_at"`
	CancelledAt         *time.Time `json:"cancelled_at"`
	CurrentChargeAt     *time.Time `json:"current_charge_at"`
	NextChargeAt        *time.Time `json:"next_charge_at"`
	UpdatedAt           time.Time  `json:"updated_at"`
	CreatedAt           time.Time  `json:"created_at"`
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
// provably did not act on it.
func (c *Client) CreateRecurrentCharge(ctx context.Context, product string, req RecurrentChargeRequest) (*RecurrentCharge, error) {
	p, err := chargePath("recurrent_charge", product, "")
	if err != nil {
		return nil, err
	}
	var out RecurrentCharge
	if err := c.do(ctx, request{api: APIBilling, method: "POST", path: p, body: req, retry: retryIfNotActed, out: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}

// GetRecurrentCharge reads a recurrent charge; an unknown id is a 404 APIError.
func (c *Client) GetRecurrentCharge(ctx context.Context, product, id string) (*RecurrentCharge, error) {
	return c.recurrentCharge(ctx, "GET", product, id, "")
}

// ActivateRecurrentCharge starts a charge the buyer accepted (or retries a
// frozen one). The platform answers 422 in other states.
func (c *Client) ActivateRecurrentCharge(ctx context.Context, product, id string) (*RecurrentCharge, error) {
	return c.recurrentCharge(ctx, "PUT", product, id, "activate")
}

// CancelRecurrentCharge cancels a charge; 422 when its state does not allow it.
func (c *Client) CancelRecurrentCharge(ctx context.Context, product, id string) (*RecurrentCharge, error) {
	return c.recurrentCharge(ctx, "PUT", product, id, "cancel")
}

func (c *Client) recurrentCharge(ctx context.Context, method, product, id, action string) (*RecurrentCharge, error) {
	p, err := chargePath("recurrent_charge", product, id)
	if err != nil {
		return nil, err
	}
	if action != "" {
		p += "/" + action
	}
	var out RecurrentCharge
	if err := c.do(ctx, request{api: APIBilling, method: method, path: p, retry: retrySafe, out: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}

// chargePath builds /v3/<kind>/<product>[/<id>], refusing values that
// would change the path's meaning.
func chargePath(kind, product, id string) (string, error) {
	if product != ProductLiveChat && product != ProductHelpDesk {
		return "", fmt.Errorf("product must be %s or %s, got %q", ProductLiveChat, ProductHelpDesk, product)
	}
	p := "/v3/" + kind + "/" + product
	if id != "" {
		if err := validChargeID(id); err != nil {
			return "", err
		}
		p += "/" + id
	}
	return p, nil
}

func validChargeID(id string) error {
	if id == "" || id == "." || id == ".." || strings.ContainsAny(id, "/?#%") || strings.TrimSpace(id) != id {
		return fmt.Errorf("invalid charge id %q", id)
	}
	return nil
}

// UnmarshalJSON reads buyer_license_id and commission_percent leniently: a
// number, a numeric string or null.
func (rc *RecurrentCharge) UnmarshalJSON(data []byte) error {
	type plain RecurrentCharge
	var aux struct {
		*plain
		BuyerLicenseID    json.RawMessage `json:"buyer_license_id"`
		CommissionPercent json.RawMessage `json:"commission_percent"`
	}
	aux.plain = (*plain)(rc)
	if err := json.Unmarshal(data, &aux); err != nil {
		return err
	}
	return lenientInts(map[string]lenientField{
		"buyer_license_id":   {aux.BuyerLicenseID, &rc.BuyerLicenseID},
		"commission_percent": {aux.CommissionPercent, &rc.CommissionPercent},
	})
}

type lenientField struct {
	raw json.RawMessage
	dst *int64
}

// lenientInts decodes whole numbers sent as JSON numbers or strings; null or
// absent leaves zero.
func lenientInts(fields map[string]lenientField) error {
	for name, f := range fields {
		s := strings.Trim(strings.TrimSpace(string(f.raw)), `"`)
		if s == "" || s == "null" {
			*f.dst = 0
			continue
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			fl, ferr := strconv.ParseFloat(s, 64)
			if ferr != nil || fl != float64(int64(fl)) {
				return fmt.Errorf("%s: want a whole number, got %s", name, f.raw)
			}
			n = int64(fl)
		}
		*f.dst = n
	}
	return nil
}
