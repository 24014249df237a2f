"""Controls of the `infrastructure` layer."""
