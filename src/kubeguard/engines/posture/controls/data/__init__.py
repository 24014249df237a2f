"""Controls of the `data` layer."""
