package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// What recurrent_charges.go and direct_charges.go share: kinds,
// statuses, the fields every charge has, the charge paths and the calls
// that differ only by the kind of charge.

// Kinds of charge: the <kind> path segment of the Billing API, which a
// checkout link names too (platform-api.md §1, §1.4).
const (
	ChargeTypeDirect    = "direct_charge"
	ChargeTypeRecurrent = "recurrent_charge"
)

// Charge statuses (platform-api.md §1.1, §1.2). The platform may add others, so
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

// ChargeCommon holds the fields every charge has, recurrent or direct
// (platform-api.md §1.1, §1.2). Money is in cents.
type ChargeCommon struct {
	ID                  string    `json:"id"`
	BuyerOrganizationID string    `json:"buyer_organization_id"`
	BuyerLicenseID      int64     `json:"buyer_license_id"`
	BuyerAccountID      string    `json:"buyer_account_id"`
	BuyerEntityID       string    `json:"buyer_entity_id"`
	SellerClientID      string    `json:"seller_client_id"`
	OrderClientID       string    `json:"order_client_id"`
	OrderOrganizationID string    `json:"order_organization_id"`
	OrderEntityID       string    `json:"order_entity_id,omitempty"`
	Name                string    `json:"name"`
	Price               int64     `json:"price"`
	ReturnURL           string    `json:"return_url"`
	Test                bool      `json:"test"`
	PerAccount          bool      `json:"per_account"`
	Status              string    `json:"status"`
	ConfirmationURL     string    `json:"confirmation_url"`
	CommissionPercent   int64     `json:"commission_percent"`
	CreatedAt           time.Time `json:"created_at"`
	UpdatedAt           time.Time `json:"updated_at"`
}

// chargeSpec is the creating call of a charge of kind for product; snapshot
// and find are set where the platform can list the kind.
func chargeSpec[T any](c *Client, kind, product string, req any, common func(*T) *ChargeCommon) createSpec[T] {
	return createSpec[T]{
		family:   kind + "/" + product,
		post:     func(ctx context.Context) (*T, error) { return postCharge[T](ctx, c, kind, product, req) },
		complete: func(ch *T) bool { return common(ch).ID != "" },
		id:       func(ch *T) string { return common(ch).ID },
	}
}

// postCharge creates a pending charge of kind (ChargeTypeRecurrent or
// ChargeTypeDirect) for product. A charge moves money once accepted, so it
// is retried only when the platform provably did not act on it.
func postCharge[T any](ctx context.Context, c *Client, kind, product string, req any) (*T, error) {
	p, err := chargePath(kind, product, "")
	if err != nil {
		return nil, &notSentError{err}
	}
	var out T
	if err := c.do(ctx, request{api: APIBilling, method: "POST", path: p, body: req, retry: retryIfNotActed, out: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}

// chargeCall reads a charge of kind (action "") or moves it to another
// state (action "activate", "cancel"); both are safe to retry.
func chargeCall[T any](ctx context.Context, c *Client, method, kind, product, id, action string) (*T, error) {
	p, err := chargePath(kind, product, id)
	if err != nil {
		return nil, err
	}
	if action != "" {
		p += "/" + action
	}
	var out T
	if err := c.do(ctx, request{api: APIBilling, method: method, path: p, retry: retrySafe, out: &out}); err != nil {
		return nil, err
	}
	if got := answeredChargeID(&out); got != id {
		return nil, fmt.Errorf("asked for %s charge %q, the platform answered about charge %q: the answer is not used", kind, id, got)
	}
	return &out, nil
}

// answeredChargeID is the id in a charge answer. A read, activation or
// cancellation answered about another charge must not reach the state:
// the resource would go on managing (and its identity would name) an
// object nobody imported.
func answeredChargeID(answer any) string {
	if ch, ok := answer.(interface{ common() *ChargeCommon }); ok {
		return ch.common().ID
	}
	return ""
}

func (c *ChargeCommon) common() *ChargeCommon { return c }

// activateCharge activates a charge of kind. An activation that was
// retried may have succeeded on an attempt whose answer was lost, and the
// platform refuses the repeat with 422: the charge is then read again and
// accepted when it shows an activated status.
func activateCharge[T any](ctx context.Context, c *Client, kind, product, id string, common func(*T) *ChargeCommon) (*T, error) {
	out, err := chargeCall[T](ctx, c, "PUT", kind, product, id, "activate")
	apiErr, ok := AsAPIError(err)
	if !ok || apiErr.Status != http.StatusUnprocessableEntity || apiErr.Attempts < 2 {
		return out, err
	}
	now, readErr := chargeCall[T](ctx, c, "GET", kind, product, id, "")
	if readErr != nil || !isActivatedStatus(common(now).Status) {
		return nil, err
	}
	return now, nil
}

// isActivatedStatus reports a status that only an activation leads to.
func isActivatedStatus(status string) bool {
	switch status {
	case ChargeProcessed, ChargeActive, ChargePastDue, ChargeSuccess, ChargeFailed:
		return true
	}
	return false
}

// chargePath builds /v3/<kind>/<product>[/<id>], refusing values that
// would change the path's meaning.
func chargePath(kind, product, id string) (string, error) {
	if !IsBillingProduct(product) {
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

// lenientChargeInts catches buyer_license_id and commission_percent before
// the plain decoding of a charge: embedded beside the charge in an
// UnmarshalJSON's auxiliary struct, its fields are the shallower ones and
// win.
type lenientChargeInts struct {
	BuyerLicenseID    json.RawMessage `json:"buyer_license_id"`
	CommissionPercent json.RawMessage `json:"commission_percent"`
}

// decodeCharge is the UnmarshalJSON of a charge: data decoded into aux (the
// charge beside l, see lenientChargeInts), then l's two fields leniently
// into c: a number, a numeric string or null.
func decodeCharge(data []byte, aux any, l *lenientChargeInts, c *ChargeCommon) error {
	if err := json.Unmarshal(data, aux); err != nil {
		// A wrong type names the field as the platform's object does,
		// not through the embedded ChargeCommon.
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			typeErr.Field = strings.Replace(typeErr.Field, "ChargeCommon.", "", 1)
		}
		return err
	}
	return lenientInts(map[string]lenientField{
		"buyer_license_id":   {l.BuyerLicenseID, &c.BuyerLicenseID},
		"commission_percent": {l.CommissionPercent, &c.CommissionPercent},
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
