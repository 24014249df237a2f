"""One module per Dockerfile rule; the engine discovers the ``Rule`` values they define."""
