// Package provider implements the ncloudimage Terraform provider: its
// configuration and its resources.
package provider

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"os"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/float64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/ncloudimage/terraform-provider-ncloudimage/internal/ncloud"
	"github.com/ncloudimage/terraform-provider-ncloudimage/internal/ncloud/imageread"
	"github.com/ncloudimage/terraform-provider-ncloudimage/internal/ownership"
)

var (
	_ provider.Provider                  = (*ncloudimageProvider)(nil)
	_ provider.ProviderWithListResources = (*ncloudimageProvider)(nil)
)

const (
	defaultRegion        = "KR"
	minMaxRetries        = 0
	maxMaxRetries        = 20
	minRequestsPerSecond = 0.1
)

// New returns a constructor of the provider, as providerserver expects.
func New(version string) func() provider.Provider {
	return func() provider.Provider {
		return &ncloudimageProvider{version: version}
	}
}

type ncloudimageProvider struct {
	version string
}

type providerModel struct {
	AccessKey  types.String  `tfsdk:"access_key"`
	SecretKey  types.String  `tfsdk:"secret_key"`
	Region     types.String  `tfsdk:"region"`
	Site       types.String  `tfsdk:"site"`
	Endpoint   types.String  `tfsdk:"endpoint"`
	MaxRetries types.Int64   `tfsdk:"max_retries"`
	MaxRate    types.Float64 `tfsdk:"max_requests_per_second"`
	SupportVPC types.Bool    `tfsdk:"support_vpc"`
}

// providerData is what resources receive from Configure: one per
// provider process, that is, per Terraform plan or apply.
type providerData struct {
	client       *ncloud.Client
	memberImages *imageread.Reader[ncloud.MemberServerImage]
	serverImages *imageread.Reader[ncloud.ServerImage]
	region       string
	writes       ownership.Writes
	claims       ownership.Claims
}

func (p *ncloudimageProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "ncloudimage"
	resp.Version = p.version
}

func (p *ncloudimageProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages NAVER Cloud Platform (NCP) server images: who an image of the account is shared with (XEN member server images and KVM server images). " +
			"Settings and environment variables are the same as the official `ncloud` provider's.",
		Attributes: map[string]schema.Attribute{
			"access_key": schema.StringAttribute{
				MarkdownDescription: "NCP API access key. Falls back to `NCLOUD_ACCESS_KEY` (or `NCLOUD_ACCESS_KEY_ID`), " +
					"then to `ncloud_access_key_id` in the `[DEFAULT]` section of the ncloud CLI file `~/.ncloud/configure`.",
				Optional: true,
			},
			"secret_key": schema.StringAttribute{
				MarkdownDescription: "NCP API secret key. Falls back to `NCLOUD_SECRET_KEY` (or `NCLOUD_SECRET_ACCESS_KEY`), " +
					"then to `ncloud_secret_access_key` in the `[DEFAULT]` section of `~/.ncloud/configure`.",
				Optional:  true,
				Sensitive: true,
			},
			"region": schema.StringAttribute{
				MarkdownDescription: "Default region code of resources, e.g. `KR`, `SGN`, `JPN`. Falls back to `NCLOUD_REGION`, then `KR`.",
				Optional:            true,
				Validators:          []validator.String{regionValidator()},
			},
			"site": schema.StringAttribute{
				MarkdownDescription: "NCP site, which picks the API gateway: `public`, `gov` or `fin`. Falls back to `NCLOUD_SITE`, then `public`.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.OneOf(ncloud.Sites...)},
			},
			"max_retries": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("How many times an API call is retried, with exponential backoff, after throttling (HTTP 429 with "+
					"code 410 or 420), an API Gateway error (HTTP 500, 503 or 504 with gateway code 900, 500 or 510), "+
					"no answer within 60 seconds, or a lost connection. An API error (`returnCode`) is never retried. "+
					"From %d to %d; default %d; `0` disables retries.", minMaxRetries, maxMaxRetries, ncloud.DefaultRetryMax),
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(minMaxRetries, maxMaxRetries)},
			},
			"max_requests_per_second": schema.Float64Attribute{
				MarkdownDescription: fmt.Sprintf("Most API requests this provider configuration starts per second, across all its resources. "+
					"At least %g (one request every %g seconds); no upper bound. "+
					"Unset, there is no fixed limit, but the provider slows all its requests down when the gateway throttles one. "+
					"The cap is per provider block: Terraform runs each provider configuration (each `alias`) in a plugin process of its own, "+
					"so aliases that use the same NCP account do not share it. Give each of them its share of the account's limit.",
					minRequestsPerSecond, 1/minRequestsPerSecond),
				Optional:   true,
				Validators: []validator.Float64{float64validator.AtLeast(minRequestsPerSecond)},
			},
			"support_vpc": schema.BoolAttribute{
				MarkdownDescription: "Accepted for compatibility with the official `ncloud` provider's block, so that its settings can be copied as they are. " +
					"This provider manages only VPC (vserver v2) resources: `true` or unset; `false` (the Classic platform) is an error.",
				Optional:   true,
				Validators: []validator.Bool{vpcOnly{}},
			},
			"endpoint": schema.StringAttribute{
				MarkdownDescription: "API gateway base URL, overriding `site`, e.g. a local NCP emulator. Falls back to `NCLOUD_API_GW`. " +
					"Must be `https://`; `http://` is accepted only for loopback hosts (`127.0.0.0/8`, `::1`, `localhost`).",
				Optional: true,
			},
		},
	}
}

func (p *ncloudimageProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	for name, v := range map[string]attr.Value{
		"access_key": cfg.AccessKey, "secret_key": cfg.SecretKey, "region": cfg.Region, "site": cfg.Site, "endpoint": cfg.Endpoint,
		"max_retries": cfg.MaxRetries, "max_requests_per_second": cfg.MaxRate, "support_vpc": cfg.SupportVPC,
	} {
		if v.IsUnknown() {
			resp.Diagnostics.AddAttributeError(path.Root(name), "Unknown ncloudimage provider "+name,
				fmt.Sprintf("The provider setting %q depends on a value that is not known until apply. "+
					"Set it to a literal, a variable, or use its environment variable instead.", name))
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}

	accessKey := setting(cfg.AccessKey, "NCLOUD_ACCESS_KEY", "NCLOUD_ACCESS_KEY_ID")
	secretKey := setting(cfg.SecretKey, "NCLOUD_SECRET_KEY", "NCLOUD_SECRET_ACCESS_KEY")
	if accessKey == "" && secretKey == "" {
		var err error
		accessKey, secretKey, err = readCLIConfig()
		if err != nil {
			resp.Diagnostics.AddError("Cannot read the ncloud CLI configuration", err.Error())
			return
		}
	}
	// Registered before anything is logged, so that neither key can reach a
	// log line of Configure. The client masks them again on each call's
	// context: these masks live only as long as this context.
	ctx = ncloud.MaskCredentials(ctx, accessKey, secretKey)
	if accessKey == "" {
		resp.Diagnostics.AddAttributeError(path.Root("access_key"), "Missing NCP access key",
			"Set access_key in the provider block, or the environment variable NCLOUD_ACCESS_KEY, "+
				"or ncloud_access_key_id in the [DEFAULT] section of ~/.ncloud/configure.")
	}
	if secretKey == "" {
		resp.Diagnostics.AddAttributeError(path.Root("secret_key"), "Missing NCP secret key",
			"Set secret_key in the provider block, or the environment variable NCLOUD_SECRET_KEY, "+
				"or ncloud_secret_access_key in the [DEFAULT] section of ~/.ncloud/configure.")
	}

	region := setting(cfg.Region, "NCLOUD_REGION")
	if region == "" {
		region = defaultRegion
	} else if !regionPattern.MatchString(region) {
		resp.Diagnostics.AddAttributeError(path.Root("region"), "Invalid NCP region",
			fmt.Sprintf("The region %q (from region or NCLOUD_REGION) is not a region code: use upper-case letters such as KR, SGN or JPN.", region))
	}

	site := setting(cfg.Site, "NCLOUD_SITE")
	if site == "" {
		site = "public"
	}
	baseURL, ok := ncloud.SiteURL(site)
	if !ok {
		resp.Diagnostics.AddAttributeError(path.Root("site"), "Invalid NCP site",
			fmt.Sprintf("The site %q (from site or NCLOUD_SITE) is not one of %s.", site, strings.Join(ncloud.Sites, ", ")))
	}
	if endpoint := setting(cfg.Endpoint, "NCLOUD_API_GW"); endpoint != "" {
		if err := checkEndpoint(endpoint); err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("endpoint"), "Invalid NCP API endpoint",
				fmt.Sprintf("The endpoint %q (from endpoint or NCLOUD_API_GW) %s.", endpoint, err))
		}
		baseURL = strings.TrimRight(endpoint, "/")
	}
	if resp.Diagnostics.HasError() {
		return
	}

	retries := ncloud.DefaultRetryMax
	if !cfg.MaxRetries.IsNull() {
		retries = int(cfg.MaxRetries.ValueInt64())
	}
	if retries == 0 {
		retries = -1 // the client reads 0 as its default
	}
	client, err := ncloud.New(ncloud.Config{
		AccessKey: accessKey,
		SecretKey: secretKey,
		BaseURL:   baseURL,
		RetryMax:  retries,
		// A null value is 0: no fixed limit.
		MaxRequestsPerSecond: cfg.MaxRate.ValueFloat64(),
		UserAgent:            "terraform-provider-ncloudimage/" + p.version,
	})
	if err != nil {
		resp.Diagnostics.AddError("Cannot create the NCP API client", err.Error())
		return
	}
	tflog.Debug(ctx, "configured NCP API client", map[string]any{"base_url": baseURL, "region": region})
	data := &providerData{client: client, memberImages: imageread.MemberImages(client), serverImages: imageread.ServerImages(client), region: region}
	resp.ResourceData = data
	resp.DataSourceData = data
	resp.ListResourceData = data
}

func (p *ncloudimageProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{newMemberSharingResource, newServerSharingResource}
}

func (p *ncloudimageProvider) ListResources(_ context.Context) []func() list.ListResource {
	return []func() list.ListResource{newMemberSharingListResource, newServerSharingListResource}
}

func (p *ncloudimageProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{newMemberSharingDataSource, newServerSharingDataSource}
}

// setting returns the configured value, else the first non-empty environment variable.
func setting(v types.String, envs ...string) string {
	if s := v.ValueString(); s != "" {
		return s
	}
	for _, name := range envs {
		if s := os.Getenv(name); s != "" {
			return s
		}
	}
	return ""
}

// checkEndpoint allows plain HTTP only where the traffic cannot leave the machine.
func checkEndpoint(endpoint string) error {
	u, err := url.Parse(endpoint)
	// No user info (it would be logged with the URL), and no query or
	// fragment, even empty: either would swallow the API path appended to it.
	if err != nil || u.Host == "" || (u.Path != "" && u.Path != "/") || u.User != nil || strings.ContainsAny(endpoint, "?#") {
		return fmt.Errorf("is not a base URL such as https://ncloud.apigw.ntruss.com")
	}
	switch u.Scheme { // url.Parse lower-cases the scheme
	case "https":
		return nil
	case "http":
		// Besides localhost, only IP literals qualify: any other name, such
		// as 127.0.0.1.nip.io, resolves to wherever its owner likes.
		host := u.Hostname()
		if ip := net.ParseIP(host); strings.EqualFold(host, "localhost") || (ip != nil && ip.IsLoopback()) {
			return nil
		}
		return fmt.Errorf("uses http:// with a host that is not loopback: use https://, or http:// only for 127.0.0.0/8, ::1 or localhost")
	default:
		return fmt.Errorf("must start with https:// (or http:// for a loopback host)")
	}
}

// regionPattern accepts NCP region codes (KR, SGN, JPN, USWN, ...) and
// catches typos such as lower case or spaces before any API call.
var regionPattern = regexp.MustCompile(`^[A-Z][A-Z0-9]{1,9}$`)

func regionValidator() validator.String {
	return stringvalidator.RegexMatches(regionPattern, "must be an NCP region code in upper case, such as KR, SGN or JPN")
}

// vpcOnly rejects support_vpc = false: the official provider's switch to
// NCP's Classic platform, which this provider does not manage.
type vpcOnly struct{}

func (vpcOnly) Description(context.Context) string {
	return "must be true or unset: this provider manages only VPC (vserver v2) images"
}

func (v vpcOnly) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (vpcOnly) ValidateBool(_ context.Context, req validator.BoolRequest, resp *validator.BoolResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() || req.ConfigValue.ValueBool() {
		return
	}
	resp.Diagnostics.AddAttributeError(req.Path, "Classic platform not supported",
		"support_vpc = false selects NCP's Classic platform, and this provider manages only VPC (vserver v2) images. "+
			"Remove support_vpc from the ncloudimage provider block, or set it to true.")
}

// configuredData is the provider's data as Configure hands it to a
// resource, data source or list resource: nil before the provider is
// configured (validation), and an error if it is of another type.
func configuredData(data any, diags *diag.Diagnostics) *providerData {
	if data == nil {
		return nil
	}
	d, ok := data.(*providerData)
	if !ok {
		diags.AddError("Unexpected provider data",
			fmt.Sprintf("Expected *providerData, got %T. This is a bug in the provider: please report it.", data))
	}
	return d
}
