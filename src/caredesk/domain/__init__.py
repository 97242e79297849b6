"""Plain-Python domain: no Qt, no SQL. Rules and records a care manager works with."""
