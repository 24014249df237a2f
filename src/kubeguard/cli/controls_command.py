"""``kubeguard controls``: the catalog, by layer and framework."""

from __future__ import annotations

import click

from kubeguard.cli.options import framework_option, layer_option
from kubeguard.engines.posture import load_controls
from kubeguard.model import Layer
from kubeguard.report.catalog import CatalogFormat, render_catalog


@click.command()
@layer_option
@framework_option
@click.option(
    "-f",
    "--format",
    "output_format",
    type=click.Choice([f.value for f in CatalogFormat]),
    default=CatalogFormat.TABLE.value,
    show_default=True,
)
def controls(layers: tuple[str, ...], framework: str | None, output_format: str) -> int:
    """List the controls kubeguard checks, with their framework and peer-tool mappings."""
    wanted = {Layer(layer) for layer in layers}
    selected = [
        control.info
        for control in load_controls()
        if (not wanted or control.layer in wanted)
        and (framework is None or framework in control.refs)
    ]
    click.echo(render_catalog(selected, CatalogFormat(output_format)), nl=False)
    return 0
