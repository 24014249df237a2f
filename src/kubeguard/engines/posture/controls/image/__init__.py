"""Controls of the `image` layer."""
