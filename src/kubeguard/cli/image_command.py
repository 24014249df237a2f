"""``kubeguard image``: what is installed in container images, as an inventory or an SBOM.

IMAGE is a ``docker save`` archive, an OCI image layout (folder or tar; ``PATH:TAG`` picks one
image of several), or a registry reference (``localhost:5000/shop/api:1.4``,
``123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/api@sha256:…``). Registry credentials come
from ``--username``/``--password-stdin`` or ``KUBEGUARD_REGISTRY_USERNAME``/``_PASSWORD``;
Amazon ECR registries get a token from ECR's GetAuthorizationToken with the usual AWS
credentials.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from kubeguard.cli.exit_codes import EXIT_CODES_HELP, ExitCode
from kubeguard.model import SourceError
from kubeguard.model.image import ImageInventory, Platform
from kubeguard.report.image_inventory import InventoryFormat, render_inventories
from kubeguard.report.sbom import SbomFormat, render_sbom
from kubeguard.sources.images import Credentials, RegistryOptions, read_image

USERNAME_VARIABLE = "KUBEGUARD_REGISTRY_USERNAME"
PASSWORD_VARIABLE = "KUBEGUARD_REGISTRY_PASSWORD"  # noqa: S105 - the variable's name


def _platform(
    context: click.Context, parameter: click.Parameter, value: str | None
) -> Platform | None:
    if value is None:
        return None
    platform = Platform.parse(value)
    if platform is None:
        raise click.BadParameter("expected os/architecture[/variant], e.g. linux/arm64")
    return platform


@dataclass(frozen=True, slots=True)
class ImageSource:
    """Where and how to read images, from the flags every ``image`` command shares."""

    platform: Platform | None
    registry: RegistryOptions

    def read(self, name: str) -> ImageInventory:
        """The inventory of the image ``name`` (raises :class:`SourceError`)."""
        return read_image(name, platform=self.platform, registry=self.registry)


def image_source_options(function: Callable[..., int]) -> Callable[..., int]:
    """Add the flags that find and open an image; the command receives them as ``source``."""

    @functools.wraps(function)
    def command(
        *args: Any,
        platform: Platform | None,
        insecure: bool,
        username: str | None,
        password_stdin: bool,
        timeout: float,
        **kwargs: Any,
    ) -> int:
        registry = registry_options(
            insecure=insecure, username=username, password_stdin=password_stdin, timeout=timeout
        )
        return function(*args, source=ImageSource(platform, registry), **kwargs)

    options = [
        click.option(
            "--platform",
            callback=_platform,
            metavar="OS/ARCH[/VARIANT]",
            help="Image of a multi-platform index to read [default: the only one, else linux/amd64].",
        ),
        click.option(
            "--insecure",
            is_flag=True,
            help="Plain HTTP to the registry (loopback registries only).",
        ),
        click.option(
            "--username", metavar="NAME", help=f"Registry user [env: {USERNAME_VARIABLE}]."
        ),
        click.option(
            "--password-stdin",
            is_flag=True,
            help=f"Read the registry password from standard input [env: {PASSWORD_VARIABLE}].",
        ),
        click.option(
            "--timeout",
            type=click.FloatRange(min=0.1),
            default=30.0,
            show_default=True,
            help="Seconds to wait for the registry to connect or answer.",
        ),
    ]
    decorated: Callable[..., int] = command
    for option in reversed(options):
        decorated = option(decorated)
    return decorated


def registry_options(
    *, insecure: bool, username: str | None, password_stdin: bool, timeout: float
) -> RegistryOptions:
    """Registry access from the flags and the environment."""
    user = username or os.environ.get(USERNAME_VARIABLE)
    password = (
        sys.stdin.readline().rstrip("\r\n") if password_stdin else os.environ.get(PASSWORD_VARIABLE)
    )
    if password_stdin and not user:
        raise click.UsageError(f"--password-stdin needs --username (or {USERNAME_VARIABLE})")
    credentials = Credentials(user, password) if user and password is not None else None
    return RegistryOptions(insecure=insecure, credentials=lambda host: credentials, timeout=timeout)


@click.group()
def image() -> None:
    """Container images: inventory and SBOM (docker archives, OCI layouts, registries)."""


@image.command("inventory", epilog=EXIT_CODES_HELP)
@click.argument("images", nargs=-1, required=True, metavar="IMAGE...")
@image_source_options
@click.option(
    "-f",
    "--format",
    "output_format",
    type=click.Choice([f.value for f in InventoryFormat]),
    default=InventoryFormat.TABLE.value,
    show_default=True,
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="Write here.")
def inventory(
    images: tuple[str, ...], source: ImageSource, output_format: str, output: str | None
) -> int:
    """List the operating system and packages installed in each IMAGE.

    \b
    Examples:
      kubeguard image inventory app.tar
      kubeguard image inventory ./oci-layout:1.4 --format json
      kubeguard image inventory localhost:5000/shop/api:1.4 --insecure --platform linux/arm64
    """
    results: list[ImageInventory | tuple[str, SourceError]] = []
    for name in images:
        try:
            results.append(source.read(name))
        except SourceError as error:
            results.append((name, error))
    _emit(render_inventories(results, InventoryFormat(output_format)), output)
    if output or output_format != InventoryFormat.TABLE.value:
        _report_problems(results)
    return ExitCode.INCOMPLETE if _incomplete(results) else ExitCode.CLEAN


@image.command("sbom", epilog=EXIT_CODES_HELP)
@click.argument("image_name", metavar="IMAGE")
@image_source_options
@click.option(
    "-f",
    "--format",
    "output_format",
    type=click.Choice([f.value for f in SbomFormat]),
    default=SbomFormat.CYCLONEDX.value,
    show_default=True,
    help="CycloneDX 1.5 or SPDX 2.3, as JSON.",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="Write here.")
def sbom(image_name: str, source: ImageSource, output_format: str, output: str | None) -> int:
    """Write a software bill of materials of IMAGE (CycloneDX or SPDX JSON).

    \b
    Examples:
      kubeguard image sbom app.tar --format cyclonedx -o app.cdx.json
      kubeguard image sbom localhost:5000/shop/api:1.4 --insecure --format spdx
    """
    try:
        found = source.read(image_name)
    except SourceError as error:
        click.echo(f"kubeguard: error: {error}", err=True)
        return ExitCode.INCOMPLETE
    _emit(render_sbom(found, SbomFormat(output_format)), output)
    _report_problems([found])
    return ExitCode.INCOMPLETE if found.problems else ExitCode.CLEAN


def _emit(text: str, output: str | None) -> None:
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)


def _report_problems(
    results: list[ImageInventory | tuple[str, SourceError]] | list[ImageInventory],
) -> None:
    """One line on standard error per image not read, and per problem inside an image."""
    for item in results:
        if isinstance(item, ImageInventory):
            for problem in item.problems:
                click.echo(f"kubeguard: warning: {item.source}: {problem}", err=True)
        else:
            click.echo(f"kubeguard: error: {item[1]}", err=True)


def _incomplete(results: list[ImageInventory | tuple[str, SourceError]]) -> bool:
    return any(not isinstance(item, ImageInventory) or item.problems for item in results)
