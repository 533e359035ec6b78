package ncloud

// ImageKey names one image: image numbers are unique within a region only.
type ImageKey struct{ Region, No string }
