"""Controls of the `detective` layer."""
