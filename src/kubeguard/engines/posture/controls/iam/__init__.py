"""Controls of the `iam` layer."""
