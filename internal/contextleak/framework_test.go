package contextleak

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// A framework provider with one resource that does nothing: the leak is the
// framework's server's, whatever the resource.

const typeName = "leak_thing"

var frameworkServer = providerserver.NewProtocol6(&leakProvider{})

type leakProvider struct{}

func (*leakProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "leak"
}
func (*leakProvider) Schema(context.Context, provider.SchemaRequest, *provider.SchemaResponse) {}
func (*leakProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}
func (*leakProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{func() resource.Resource { return thing{} }}
}
func (*leakProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }

type thing struct{}

func (thing) Metadata(_ context.Context, _ resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = typeName
}
func (thing) Schema(context.Context, resource.SchemaRequest, *resource.SchemaResponse) {}
func (thing) Create(context.Context, resource.CreateRequest, *resource.CreateResponse) {}
func (thing) Read(context.Context, resource.ReadRequest, *resource.ReadResponse)       {}
func (thing) Update(context.Context, resource.UpdateRequest, *resource.UpdateResponse) {}
func (thing) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}
func (thing) ImportState(context.Context, resource.ImportStateRequest, *resource.ImportStateResponse) {
}
