package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/ncloudimage/terraform-provider-ncloudimage/internal/emulator"
)

// The list resources (`terraform query`, Terraform 1.14 and later) against
// images shared by hand.

// seedSharedByHand puts, beside the environment's images, images of the
// kind shared by hand, one shared with nobody, one of the other kind (which
// the list must leave out), one of NCP's public images and one in SGN.
func seedSharedByHand(env *testEnv, k testKind) {
	other := "KVM"
	if k.hypervisor == "KVM" {
		other = "XEN"
	}
	env.emu.PutImage(emulator.Image{No: "21001", Name: "golden-web", Hypervisor: k.hypervisor, SharedLoginIDs: []string{"alice@example.com"}})
	env.emu.PutImage(emulator.Image{No: "21002", Name: "golden-db", Hypervisor: k.hypervisor, SharedLoginIDs: []string{"bob@example.com", "carol@example.com"}})
	env.emu.PutImage(emulator.Image{No: "21003", Name: "scratch", Hypervisor: k.hypervisor})
	env.emu.PutImage(emulator.Image{No: "21004", Name: "other-kind", Hypervisor: other, SharedLoginIDs: []string{"alice@example.com"}})
	env.emu.PutImage(emulator.Image{No: "21005", Name: "golden-sgn", Region: "SGN", Hypervisor: k.hypervisor, SharedLoginIDs: []string{"dave@example.com"}})
	env.emu.PutImage(emulator.Image{No: "21006", Name: "rocky-public", Hypervisor: k.hypervisor, Type: "NCP"})
}

func (k testKind) listBlock(name, config string) string {
	return fmt.Sprintf("list %q %q {\n  provider = ncloudimage\n  include_resource = true\n  config {\n    %s\n  }\n}\n", k.typeName, name, config)
}

func TestAccSharingList_query(t *testing.T) {
	t.Parallel()
	eachKind(t, func(t *testing.T, env *testEnv, k testKind) {
		env.needEmulator(t)
		seedSharedByHand(env, k)
		// A resource of the kind: the query step runs beside its configuration.
		no, _ := k.images(env)
		list := func(name string) string { return k.typeName + "." + name }
		resource.Test(t, resource.TestCase{
			TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)},
			ProtoV6ProviderFactories: testAccProviders,
			Steps: []resource.TestStep{
				{Config: env.sharingOf(k, no, env.loginIDs[0])},
				{
					// The provider block is the first step's configuration's.
					Query: true,
					Config: k.listBlock("shared", "") +
						k.listBlock("all", "include_unshared = true") +
						k.listBlock("golden", `name_regex = "^golden-"`) +
						k.listBlock("sgn", `region = "SGN"`),
					QueryResultChecks: []querycheck.QueryResultCheck{
						// By default, images shared with at least one login: the two shared by hand and the resource's.
						querycheck.ExpectLength(list("shared"), 3),
						querycheck.ExpectIdentity(list("shared"), k.identity("KR", "21001")),
						querycheck.ExpectIdentity(list("shared"), k.identity("KR", "21002")),
						querycheck.ExpectIdentity(list("shared"), k.identity("KR", no)),
						querycheck.ExpectResourceDisplayName(list("shared"), queryfilter.ByResourceIdentity(k.identity("KR", "21002")),
							knownvalue.StringExact("golden-db (21002)")),
						querycheck.ExpectResourceKnownValues(list("shared"), queryfilter.ByResourceIdentity(k.identity("KR", "21002")),
							[]querycheck.KnownValueCheck{{Path: tfjsonpath.New("shared_login_ids"),
								KnownValue: knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("bob@example.com"), knownvalue.StringExact("carol@example.com")})}}),
						// The image shared with nobody too; never the other kind's, nor NCP's.
						querycheck.ExpectLength(list("all"), 5), // with the environment's two of the kind
						querycheck.ExpectIdentity(list("all"), k.identity("KR", "21003")),
						querycheck.ExpectLength(list("golden"), 3), // with the resource's image, named golden-…
						querycheck.ExpectLength(list("sgn"), 1),
						querycheck.ExpectIdentity(list("sgn"), k.identity("SGN", "21005")),
					},
				},
				{
					// Credentials refused: a diagnostic, never a short list.
					PreConfig: func() {
						env.emu.InjectFault(emulator.Fault{Operation: k.listOp, Count: 1, HTTPStatus: 401, ErrorCode: "200"})
					},
					Query:       true,
					Config:      k.listBlock("shared", ""),
					ExpectError: wrapped("Cannot list the "+k.noun+"s of region KR", k.listOp, "HTTP 401", "code 200", "Check access_key and secret_key"),
				},
			},
		})
	})
}
