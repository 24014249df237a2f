"""Controls of the `network` layer."""
