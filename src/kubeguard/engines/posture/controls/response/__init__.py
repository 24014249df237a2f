"""Controls of the `response` layer."""
