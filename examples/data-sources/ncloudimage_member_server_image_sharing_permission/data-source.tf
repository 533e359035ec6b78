# Who can launch the XEN golden image?
data "ncloudimage_member_server_image_sharing_permission" "golden" {
  member_server_image_no = "10001"
}

output "golden_image_shared_with" {
  value = data.ncloudimage_member_server_image_sharing_permission.golden.shared_login_ids
}
