"""``helpdesk-soap export-contract``: the published WSDL and XSD files."""

from __future__ import annotations

from pathlib import Path

import click


@click.command("export-contract")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="Project directory; writes wsdl/ and schemas/ below it.")
def export_contract(out_dir: Path) -> None:
    """Write the published WSDL and XSD files (stable, sorted)."""
    from ..soap.export import written_contract

    for rel, data in written_contract().items():
        path = out_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        click.echo(f"wrote {path}")
