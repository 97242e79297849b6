"""Today's call queue: the queue page, the call panel with its timer, the other-time dialog."""
