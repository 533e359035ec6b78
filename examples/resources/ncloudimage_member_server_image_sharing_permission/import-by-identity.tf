# Terraform 1.12 and later: import by the resource's identity.
import {
  to = ncloudimage_member_server_image_sharing_permission.golden
  identity = {
    region                 = "KR" # optional: defaults to the provider's region
    member_server_image_no = "10001"
  }
}
