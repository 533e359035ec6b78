# Terraform 1.12 and later: import by the resource's identity.
import {
  to = ncloudimage_server_image_sharing_permission.golden_kvm
  identity = {
    region          = "KR" # optional: defaults to the provider's region
    server_image_no = "10002"
  }
}
