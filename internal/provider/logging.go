package provider

import (
	"context"
	"strings"
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

// TF_LOG* variables: Terraform's own (TF_LOG, TF_LOG_CORE, TF_LOG_PROVIDER,
// TF_LOG_PATH) and terraform-plugin-log's in the plugin process.
const (
	envLogPrefix = "TF_LOG"
	// envLogProviderPrefix followed by the provider's name in capitals
	// sets the level of the provider's own (tflog) logger.
	envLogProviderPrefix = "TF_LOG_PROVIDER_"
)

// pluginLogLevelVars are the variables that set the levels of the plugin
// process's loggers: terraform-plugin-go's SDK root and protocol loggers and
// the framework's subsystem. The provider's own logger is added by name.
var pluginLogLevelVars = []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK"}

// QuietLogsUnlessRequested turns the plugin's loggers off when the
// environment names no TF_LOG* variable with a value. terraform-plugin-log
// defaults every logger it finds no level for to TRACE and encodes each line
// as JSON on the plugin's stderr; Terraform reads those lines and, with no
// TF_LOG of its own, throws them away: about half the provider's CPU time
// in a large plan. Any TF_LOG* variable (TF_LOG=debug, TF_LOG_PATH,
// TF_LOG_SDK_FRAMEWORK=...) means someone reads the logs, and then nothing
// is changed, so logs stay complete whenever they are asked for. name is
// the provider's name as in its registry address ("livechat").
func QuietLogsUnlessRequested(name string, environ []string, setenv func(key, value string) error) error {
	for _, kv := range environ {
		key, value, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(key, envLogPrefix) && value != "" {
			return nil
		}
	}
	for _, key := range append(pluginLogLevelVars, envLogProviderPrefix+strings.ToUpper(name)) {
		if err := setenv(key, "off"); err != nil {
			return err
		}
	}
	return nil
}
