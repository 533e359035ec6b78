import {
  to = ncloudimage_member_server_image_sharing_permission.golden
  id = "10001"
}
