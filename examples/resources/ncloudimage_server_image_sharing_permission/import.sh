# Import the sharing of a server image by its number (provider's region).
terraform import ncloudimage_server_image_sharing_permission.golden_kvm 10002

# Or by REGION/NUMBER for an image of another region.
terraform import ncloudimage_server_image_sharing_permission.golden_kvm_sgn SGN/10007
