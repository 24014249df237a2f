"""Controls of the `tenancy` layer."""
