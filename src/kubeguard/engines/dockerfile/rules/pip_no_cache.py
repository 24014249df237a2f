"""``pip install`` does not leave its download cache in the image.

pip keeps every downloaded wheel in ``~/.cache/pip``; in an image that cache is dead weight,
often larger than the installed packages. ``--no-cache-dir``, ``PIP_NO_CACHE_DIR`` set by an
``ENV`` before the ``RUN``, or a cache mount over the folder keep it out. Stages that are not
part of the final image are not judged.
"""

from collections.abc import Iterator

from kubeguard.engines.dockerfile.packages import PIP, uncleaned_caches
from kubeguard.engines.dockerfile.rule import Violation, rule
from kubeguard.engines.dockerfile.view import DockerfileView, RunView
from kubeguard.model import Severity

_SETTING = "PIP_NO_CACHE_DIR"


@rule(
    id="KG-DF-043",
    title="pip install does not keep its cache",
    severity=Severity.LOW,
    remediation="Add --no-cache-dir to pip install, or set ENV PIP_NO_CACHE_DIR=1.",
    refs={"hadolint": "DL3042"},
)
def check(dockerfile: DockerfileView) -> Iterator[Violation]:
    return uncleaned_caches(dockerfile, PIP, exempt=lambda run: _disabled_by_env(dockerfile, run))


def _disabled_by_env(dockerfile: DockerfileView, run: RunView) -> bool:
    if run.stage is None:
        return False
    environment = dockerfile.env_before(run.stage, run.instruction.line)
    if _SETTING not in environment:
        return False
    # pip reads the variable as a boolean; only an explicit false keeps the cache on.
    value = environment[_SETTING]
    return value is None or value.lower() not in ("0", "false", "no", "off")
