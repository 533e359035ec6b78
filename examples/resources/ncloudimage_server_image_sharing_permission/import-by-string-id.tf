import {
  to = ncloudimage_server_image_sharing_permission.golden_kvm
  id = "10002"
}

# An image of another region than the provider's: REGION/NUMBER.
import {
  to = ncloudimage_server_image_sharing_permission.golden_kvm_sgn
  id = "SGN/10007"
}
