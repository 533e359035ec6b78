# Fail the pipeline early when the deploy account has lost access to the KVM
# golden image.
data "ncloudimage_server_image_sharing_permission" "golden_kvm" {
  server_image_no = "10002"
}

check "deploy_account_can_launch" {
  assert {
    condition     = contains(data.ncloudimage_server_image_sharing_permission.golden_kvm.shared_login_ids, "deploy@example.com")
    error_message = "The golden KVM image is not shared with deploy@example.com."
  }
}
