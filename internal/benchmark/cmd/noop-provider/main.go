// Command noop-provider is the benchmark's second floor: a provider built on
// terraform-plugin-framework, like ncloudimage, whose resource has the same
// two arguments and does nothing (no API, Read keeps the state). Its times
// are what Terraform and the framework cost a provider per resource, before
// any API call. Its logs are off, as ncloudimage's are when Terraform keeps
// none, so that the two differ by their own work only.
package main

import (
	"context"
	"log"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func main() {
	for _, name := range []string{"TF_LOG_SDK", "TF_LOG_PROVIDER_NOOP"} {
		_ = os.Setenv(name, "off")
	}
	err := providerserver.Serve(context.Background(), func() provider.Provider { return noopProvider{} },
		providerserver.ServeOpts{Address: "registry.terraform.io/ncloudimage/noop"})
	if err != nil {
		log.Fatal(err)
	}
}

type noopProvider struct{}

func (noopProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "noop"
}

func (noopProvider) Schema(context.Context, provider.SchemaRequest, *provider.SchemaResponse) {}

func (noopProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}

func (noopProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{func() resource.Resource { return sharing{} }}
}

func (noopProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }

// sharing is noop_sharing.
type sharing struct{}

func (sharing) Metadata(_ context.Context, _ resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = "noop_sharing"
}

func (sharing) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{Attributes: map[string]schema.Attribute{
		"member_server_image_no": schema.StringAttribute{Required: true},
		"shared_login_ids":       schema.SetAttribute{ElementType: types.StringType, Required: true},
	}}
}

func (sharing) Create(_ context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	resp.State.Raw = req.Plan.Raw
}

func (sharing) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {}

func (sharing) Update(_ context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	resp.State.Raw = req.Plan.Raw
}

func (sharing) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}
