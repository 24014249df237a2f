"""Controls of the `pod` layer."""
