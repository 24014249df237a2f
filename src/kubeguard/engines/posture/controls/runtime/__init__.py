"""Controls of the `runtime` layer."""
