"""The month's billing view and its export."""
