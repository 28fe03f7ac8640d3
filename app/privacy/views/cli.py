"""`flask retention run` (CONTRACT §2) and `flask legal publish`."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.cli import emit, fail
from app.extensions import db
from app.jobs import enqueue
from app.jobs.privacy import announce_policy_change, run_retention
from app.privacy import legal
from app.privacy.views import bp

retention_cli = AppGroup("retention", help="Apply the retention rules.")
legal_cli = AppGroup("legal", help="Publish legal documents.")
bp.cli.add_command(retention_cli)
bp.cli.add_command(legal_cli)


@retention_cli.command("run")
def retention_run() -> None:
    """Apply every retention rule now; prints what it removed, by category."""
    counts = run_retention()
    for category, count in counts.items():
        click.echo(f"{category}: {count}")
    emit(counts)


@legal_cli.command("publish")
@click.option("--document", required=True, type=click.Choice(legal.DOCUMENTS))
@click.option("--version", "version", required=True)
@click.option("--material", is_flag=True, help="Signed-in people must accept it again; every member is e-mailed.")
def legal_publish(document: str, version: str, material: bool) -> None:
    """Put a new version of a legal document in force now."""
    try:
        published = legal.publish(document, version, material)
    except legal.LegalError as refused:
        fail(refused.reason)
    db.session.commit()
    if material:
        enqueue(announce_policy_change, document, published.version)
    emit({"document": document, "version": published.version, "material": material})
