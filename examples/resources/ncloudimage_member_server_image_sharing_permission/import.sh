# Import the sharing of a member server image by its number.
terraform import ncloudimage_member_server_image_sharing_permission.golden 10001
