# Import the sharing of a member server image by its number (provider's region).
terraform import ncloudimage_member_server_image_sharing_permission.golden 10001

# Or by REGION/NUMBER for an image of another region.
terraform import ncloudimage_member_server_image_sharing_permission.golden_sgn SGN/10005
