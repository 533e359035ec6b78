terraform {
  required_providers {
    ncloudimage = {
      source = "ncloudimage/ncloudimage"
    }
  }
}

# Credentials come from the environment (NCLOUD_ACCESS_KEY, NCLOUD_SECRET_KEY)
# or from the [DEFAULT] section of the ncloud CLI file ~/.ncloud/configure:
# keep them out of the configuration.
provider "ncloudimage" {
  region = "KR"
  site   = "public"

  # Accepted as in the official ncloud provider's block; this provider is
  # VPC-only, so it may only be true.
  support_vpc = true

  # Optional: at most 5 API requests per second from this provider block.
  # Each alias has its own cap: split the account's limit among them.
  # max_requests_per_second = 5
}
