"""``gem install`` pins gem versions.

An unpinned ``gem install`` takes the newest release at build time, so builds are not
reproducible and a hijacked release reaches the image unnoticed. ``rails:7.1.3`` or
``-v 7.1.3`` pins it; a Gemfile.lock with ``bundle install`` does so for whole applications.
"""

from collections.abc import Iterator

from kubeguard.engines.dockerfile.packages import GEM, unpinned_packages
from kubeguard.engines.dockerfile.rule import Violation, rule
from kubeguard.engines.dockerfile.view import DockerfileView
from kubeguard.model import Severity


@rule(
    id="KG-DF-045",
    title="gem install pins versions",
    severity=Severity.LOW,
    remediation="Name versions: gem install <gem>:<version> or gem install <gem> -v <version>.",
    refs={"hadolint": "DL3028"},
)
def check(dockerfile: DockerfileView) -> Iterator[Violation]:
    return unpinned_packages(
        dockerfile, GEM, exempt=lambda command: command.has_option("-v", "--version")
    )
