package provider

import (
	"maps"
	"testing"
)

func TestQuietLogsUnlessRequested(t *testing.T) {
	quiet := map[string]string{
		"TF_LOG_SDK": "off", "TF_LOG_SDK_PROTO": "off", "TF_LOG_SDK_FRAMEWORK": "off", "TF_LOG_PROVIDER_LIVECHAT": "off",
	}
	for _, tc := range []struct {
		name    string
		environ []string
		want    map[string]string
	}{
		{"no TF_LOG at all", []string{"HOME=/root", "LIVECHAT_API_URL=http://127.0.0.1:1"}, quiet},
		{"an empty TF_LOG is no TF_LOG", []string{"TF_LOG="}, quiet},
		{"TF_LOG", []string{"TF_LOG=trace"}, map[string]string{}},
		{"TF_LOG_PROVIDER (Terraform's)", []string{"TF_LOG_PROVIDER=debug"}, map[string]string{}},
		{"TF_LOG_CORE", []string{"TF_LOG_CORE=trace"}, map[string]string{}},
		{"TF_LOG_PATH", []string{"TF_LOG_PATH=/tmp/tf.log"}, map[string]string{}},
		{"one subsystem", []string{"TF_LOG_SDK_FRAMEWORK=debug"}, map[string]string{}},
		{"the provider's own", []string{"TF_LOG_PROVIDER_LIVECHAT=trace"}, map[string]string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := map[string]string{}
			err := QuietLogsUnlessRequested("livechat", tc.environ, func(k, v string) error { got[k] = v; return nil })
			if err != nil {
				t.Fatal(err)
			}
			if !maps.Equal(got, tc.want) {
				t.Errorf("set %v, want %v", got, tc.want)
			}
		})
	}
}
