"""CareDesk: an offline, encrypted caseload manager for chronic-care management."""

__version__ = "0.1.0"
APP_NAME = "CareDesk"
