# Terraform 1.14 and later: `terraform query` lists the images of the region
# that are shared with at least one login; with -generate-config-out it writes
# an import block and a resource block for each.
list "ncloudimage_member_server_image_sharing_permission" "shared" {
  provider         = ncloudimage
  include_resource = true

  config {
    name_regex = "^golden-" # optional
    # region           = "SGN" # optional: defaults to the provider's region
    # include_unshared = true  # optional: also images shared with nobody
  }
}
