"""Use cases over a unit of work: validate, change, audit, commit."""
