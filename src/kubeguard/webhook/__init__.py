"""The audit webhook receiver of ``kubeguard detect serve``: HTTPS in, durable spool, detector.

The API server's webhook backend POSTs ``EventList`` batches; :mod:`.server` authenticates and
checks each request, :mod:`.spool` stores the accepted events on disk before the request is
acknowledged, and :mod:`.pipeline` runs the detection rules over the spool, exactly once across
crashes. :func:`serve` runs it all; :mod:`.config` reads ``detect.yaml``.
"""

from kubeguard.webhook.config import ServeConfig, load_serve_config
from kubeguard.webhook.service import ServeSummary, serve

__all__ = ["ServeConfig", "ServeSummary", "load_serve_config", "serve"]
