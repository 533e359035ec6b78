terraform {
  required_providers {
    ncloudimage = {
      source = "ncloudimage/ncloudimage"
    }
  }
}

# Credentials come from the environment (NCLOUD_ACCESS_KEY, NCLOUD_SECRET_KEY)
# or from the ncloud CLI file ~/.ncloud/configure: keep them out of the configuration.
provider "ncloudimage" {
  region = "KR"
  site   = "public"
}
