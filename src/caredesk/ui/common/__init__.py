"""What every screen shares: forms, tables, dates, background workers, the change hub, the theme."""
