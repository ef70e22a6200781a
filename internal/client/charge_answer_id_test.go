package client

import (
	"context"
	"net/http"
	"strings"
	"testing"
)

// A server that answers a read, activation or cancellation of one charge
// with another charge (or with no id) is refused: the caller would
// otherwise store the other charge under this one's name.
func TestChargeCall_answerAboutAnotherCharge(t *testing.T) {
	for _, answered := range []string{"other-charge", ""} {
		f := newFakeServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
			writeJSONBody(w, http.StatusOK, map[string]any{"id": answered, "name": "x", "status": "active"})
		})
		c := newTestClient(t, testConfig(f.URL))
		calls := map[string]func() error{
			"GetRecurrentCharge": func() error {
				_, err := c.GetRecurrentCharge(context.Background(), ProductLiveChat, "asked")
				return err
			},
			"GetDirectCharge": func() error { _, err := c.GetDirectCharge(context.Background(), ProductLiveChat, "asked"); return err },
			"ActivateDirectCharge": func() error {
				_, err := c.ActivateDirectCharge(context.Background(), ProductLiveChat, "asked")
				return err
			},
			"CancelRecurrentCharge": func() error {
				_, err := c.CancelRecurrentCharge(context.Background(), ProductLiveChat, "asked")
				return err
			},
		}
		for name, call := range calls {
			err := call()
			if err == nil || !strings.Contains(err.Error(), `"asked"`) {
				t.Errorf("%s answered with id %q: err = %v, want an error naming the charge asked for", name, answered, err)
			}
		}
	}
}
