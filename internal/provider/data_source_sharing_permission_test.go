package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/ncloudimage/terraform-provider-ncloudimage/internal/emulator"
)

// dataSource is the configuration of the kind's data source "test".
func (k testKind) dataSource(imageNo, region string) string {
	regionLine := ""
	if region != "" {
		regionLine = fmt.Sprintf("  region = %q\n", region)
	}
	return fmt.Sprintf("data %q \"test\" {\n  %s = %q\n%s}\n", k.typeName, k.noAttr, imageNo, regionLine)
}

func TestAccSharingDataSource_reads(t *testing.T) {
	t.Parallel()
	eachKind(t, func(t *testing.T, env *testEnv, k testKind) {
		env.needEmulator(t)
		no, _ := k.images(env)
		a, b := env.loginIDs[0], env.loginIDs[1]
		env.emu.SetSharedLoginIDs(no, []string{a, b})
		const sgnImage = "20006"
		env.emu.PutImage(emulator.Image{No: sgnImage, Name: "golden-sgn", Region: "SGN", Hypervisor: k.hypervisor})
		address := "data." + k.typeName + ".test"
		img, _ := env.emu.Image(no)
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProviders,
			Steps: []resource.TestStep{
				{
					Config: env.config(k.dataSource(no, "")),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(address, tfjsonpath.New("shared_login_ids"),
							knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact(a), knownvalue.StringExact(b)})),
						statecheck.ExpectKnownValue(address, tfjsonpath.New("share_status"), knownvalue.StringExact("SHARE")),
						statecheck.ExpectKnownValue(address, tfjsonpath.New("name"), knownvalue.StringExact(img.Name)),
						statecheck.ExpectKnownValue(address, tfjsonpath.New("status"), knownvalue.StringExact("CREAT")),
						statecheck.ExpectKnownValue(address, tfjsonpath.New("hypervisor"), knownvalue.StringExact(k.hypervisor)),
						statecheck.ExpectKnownValue(address, tfjsonpath.New("region"), knownvalue.StringExact("KR")),
						statecheck.ExpectKnownValue(address, tfjsonpath.New("id"), knownvalue.StringExact(no)),
					},
				},
				{
					Config: env.config(k.dataSource(sgnImage, "SGN")),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(address, tfjsonpath.New("shared_login_ids"), knownvalue.SetExact([]knownvalue.Check{})),
						statecheck.ExpectKnownValue(address, tfjsonpath.New("share_status"), knownvalue.StringExact("NULL")),
						statecheck.ExpectKnownValue(address, tfjsonpath.New("name"), knownvalue.StringExact("golden-sgn")),
					},
				},
				{
					Config:      env.config(k.dataSource(testMissingImage, "")),
					ExpectError: wrapped(capitalized(k.noun)+" "+testMissingImage+" not found", "No "+k.noun+" numbered "+testMissingImage+" exists in region KR"),
				},
				{ // images belong to one region
					Config:      env.config(k.dataSource(sgnImage, "")),
					ExpectError: wrapped(capitalized(k.noun)+" "+sgnImage+" not found", "in region KR"),
				},
			},
		})
	})
}

func TestAccSharingDataSource_memberOfKVMImageSaysWhichReadsIt(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	if env.kvmImageNo == "" {
		t.Skip("set NCLOUDIMAGE_ACC_KVM_IMAGE_NO to run the KVM test live")
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{{
			Config: env.config(memberKindT.dataSource(env.kvmImageNo, "")),
			ExpectError: wrapped("Server image "+env.kvmImageNo+" is a KVM image",
				`data "ncloudimage_server_image_sharing_permission"`, `server_image_no = "`+env.kvmImageNo+`"`),
		}},
	})
}

// The server image API shows XEN images too: its data source reads them.
func TestAccSharingDataSource_serverReadsXENImages(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	address := "data.ncloudimage_server_image_sharing_permission.test"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{{
			Config: env.config(serverKindT.dataSource(env.imageNo, "")),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(address, tfjsonpath.New("hypervisor"), knownvalue.StringExact("XEN")),
			},
		}},
	})
}
