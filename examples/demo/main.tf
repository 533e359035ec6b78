# Used by `make demo` (scripts/demo.sh), which points the provider at a local
# emulator through NCLOUD_API_GW, NCLOUD_ACCESS_KEY and NCLOUD_SECRET_KEY.
terraform {
  required_version = ">= 1.5"

  required_providers {
    ncloudimage = {
      source = "ncloudimage/ncloudimage"
    }
  }
}

# Everything the provider needs comes from the environment.
provider "ncloudimage" {}

variable "xen_image_no" {
  description = "XEN image to share with the member server image API. In the demo seed, 10001 is a XEN image in status CREAT; 10006 is a KVM image, which this resource type rejects."
  type        = string
  default     = "10001"
}

variable "xen_shared_login_ids" {
  description = "NCP login IDs the XEN image is shared with."
  type        = set(string)
  default     = ["alice@example.com", "bob@example.com"]
}

variable "kvm_image_no" {
  description = "KVM image to share with the server image API. In the demo seed, 10002 is a KVM image of this account (type SELF) in status CREAT."
  type        = string
  default     = "10002"
}

variable "kvm_shared_login_ids" {
  description = "NCP login IDs the KVM image is shared with."
  type        = set(string)
  default     = ["alice@example.com", "carol@example.com"]
}

# XEN images: setMemberServerImageSharingPermission.
resource "ncloudimage_member_server_image_sharing_permission" "golden" {
  member_server_image_no = var.xen_image_no
  shared_login_ids       = var.xen_shared_login_ids
}

# KVM images: addServerImageSharingPermission and removeServerImageSharingPermission.
resource "ncloudimage_server_image_sharing_permission" "golden_kvm" {
  server_image_no  = var.kvm_image_no
  shared_login_ids = var.kvm_shared_login_ids
}

# Reads the KVM image back from NCP, as a configuration that only reads would.
# depends_on defers the read until the share above is applied.
data "ncloudimage_server_image_sharing_permission" "golden_kvm" {
  server_image_no = var.kvm_image_no

  depends_on = [ncloudimage_server_image_sharing_permission.golden_kvm]
}

output "xen_share_status" {
  value = ncloudimage_member_server_image_sharing_permission.golden.share_status
}

output "xen_shared_login_ids" {
  value = ncloudimage_member_server_image_sharing_permission.golden.shared_login_ids
}

output "kvm_share_status" {
  value = ncloudimage_server_image_sharing_permission.golden_kvm.share_status
}

output "kvm_shared_login_ids" {
  value = ncloudimage_server_image_sharing_permission.golden_kvm.shared_login_ids
}

# What the data source read, one line each, for the demo's checks.
output "kvm_read_back_image" {
  value = format("%s (%s, %s)",
    data.ncloudimage_server_image_sharing_permission.golden_kvm.name,
    data.ncloudimage_server_image_sharing_permission.golden_kvm.hypervisor,
    data.ncloudimage_server_image_sharing_permission.golden_kvm.status,
  )
}

output "kvm_read_back_shared_login_ids" {
  value = join(",", sort(data.ncloudimage_server_image_sharing_permission.golden_kvm.shared_login_ids))
}
