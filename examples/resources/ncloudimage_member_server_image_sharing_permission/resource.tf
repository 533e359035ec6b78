# Share a golden image with exactly these accounts. Logins added by hand in the
# console are removed on the next apply: this resource is authoritative.
resource "ncloudimage_member_server_image_sharing_permission" "golden" {
  member_server_image_no = "10001"
  shared_login_ids = [
    "platform-team@example.com",
    "data-team@example.com",
  ]
}

# Shared with nobody: the image stays managed, and any hand-made share is removed.
resource "ncloudimage_member_server_image_sharing_permission" "staging" {
  member_server_image_no = "10004"
  shared_login_ids       = []

  timeouts {
    create = "30m" # a fresh image can stay in status INIT for a while
  }
}
