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

variable "image_no" {
  description = "Member server image to share. In the demo seed, 10001 is a XEN image in state CREAT and 10002 a KVM image."
  type        = string
  default     = "10001"
}

variable "shared_login_ids" {
  description = "NCP login IDs the image is shared with."
  type        = set(string)
  default     = ["alice@example.com", "bob@example.com"]
}

resource "ncloudimage_member_server_image_sharing_permission" "golden" {
  member_server_image_no = var.image_no
  shared_login_ids       = var.shared_login_ids
}

output "share_status" {
  value = ncloudimage_member_server_image_sharing_permission.golden.share_status
}

output "shared_login_ids" {
  value = ncloudimage_member_server_image_sharing_permission.golden.shared_login_ids
}
