# Share a KVM golden image with exactly these accounts. Logins added by hand in
# the console are removed on the next apply: this resource is authoritative.
resource "ncloudimage_server_image_sharing_permission" "golden_kvm" {
  server_image_no = "10002"
  shared_login_ids = [
    "platform-team@example.com",
    "data-team@example.com",
  ]
}
