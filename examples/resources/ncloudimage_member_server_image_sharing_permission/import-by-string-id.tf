import {
  to = ncloudimage_member_server_image_sharing_permission.golden
  id = "10001"
}

# An image of another region than the provider's: REGION/NUMBER.
import {
  to = ncloudimage_member_server_image_sharing_permission.golden_sgn
  id = "SGN/10005"
}
