package provider

import (
	"context"
	"sync"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// tflogLogger connects the client's logging hook to tflog. The client has
// already redacted secrets from headers and bodies by field name; the
// logger also masks the provider's own secret values wherever they appear,
// in messages and field values, as a second line of defence.
type tflogLogger struct {
	mu      sync.RWMutex
	secrets []string
}

// mask adds secret values to hide from every later log line.
func (l *tflogLogger) mask(secrets ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, s := range secrets {
		if s != "" {
			l.secrets = append(l.secrets, s)
		}
	}
}

// masked returns ctx with the secret values masked in tflog output.
func (l *tflogLogger) masked(ctx context.Context) context.Context {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if len(l.secrets) == 0 {
		return ctx
	}
	ctx = tflog.MaskMessageStrings(ctx, l.secrets...)
	return tflog.MaskAllFieldValuesStrings(ctx, l.secrets...)
}

func (l *tflogLogger) Debug(ctx context.Context, msg string, fields map[string]any) {
	tflog.Debug(l.masked(ctx), msg, fields)
}

func (l *tflogLogger) Trace(ctx context.Context, msg string, fields map[string]any) {
	tflog.Trace(l.masked(ctx), msg, fields)
}
