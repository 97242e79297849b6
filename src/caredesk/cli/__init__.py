"""The caredesk command: one module per command group; every command calls a service."""

from caredesk.cli.main import main

__all__ = ["main"]
