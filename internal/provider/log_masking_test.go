package provider

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/livechat-tf/terraform-provider-livechat/internal/client"
)

// The provider's own log lines quote errors too, and they are not written
// through the client's masked logger: a secret a platform error quotes is
// masked there as well.
func TestLogIDLookupFailedMasksSecrets(t *testing.T) {
	const secret = "leaky-partner-token-log-5a1c"
	c, err := client.New(client.Config{PartnerToken: secret})
	if err != nil {
		t.Fatal(err)
	}
	diagnosticSecrets.register(c.Secrets())
	var out bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &out)
	logIDLookupFailed(ctx, "pp_slug", errors.New("search refused token "+secret))
	if !strings.Contains(out.String(), "pp_slug") {
		t.Fatalf("nothing was logged: %q", out.String())
	}
	if strings.Contains(out.String(), secret) {
		t.Errorf("the log shows the secret: %s", out.String())
	}
}
