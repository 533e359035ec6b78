package main

import "testing"

func TestTerraformProviderLogLevel(t *testing.T) {
	for _, tc := range []struct {
		name             string
		tfLog, tfLogProv string
		want             string
	}{
		{"nothing set: terraform drops provider logs", "", "", "OFF"},
		{"TF_LOG", "debug", "", "DEBUG"},
		{"TF_LOG_PROVIDER wins over TF_LOG", "trace", "warn", "WARN"},
		{"TF_LOG_PROVIDER alone", "", "INFO", "INFO"},
		{"TF_LOG=off", "off", "", "OFF"},
		{"JSON logs everything", "json", "", "TRACE"},
		{"an unknown value logs everything", "1", "", "TRACE"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := map[string]string{"TF_LOG": tc.tfLog, "TF_LOG_PROVIDER": tc.tfLogProv}
			if got := terraformProviderLogLevel(func(k string) string { return env[k] }); got != tc.want {
				t.Errorf("level = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestLogAtTerraformsLevelKeepsWhatTheUserSet(t *testing.T) {
	env := map[string]string{"TF_LOG_PROVIDER_NCLOUDIMAGE": "debug"}
	logAtTerraformsLevel(func(k string) string { return env[k] }, func(k, v string) error {
		env[k] = v
		return nil
	})
	if env["TF_LOG_SDK"] != "OFF" {
		t.Errorf("TF_LOG_SDK = %q, want OFF when Terraform logs nothing", env["TF_LOG_SDK"])
	}
	if env["TF_LOG_PROVIDER_NCLOUDIMAGE"] != "debug" {
		t.Errorf("TF_LOG_PROVIDER_NCLOUDIMAGE = %q, want the user's debug", env["TF_LOG_PROVIDER_NCLOUDIMAGE"])
	}
}
