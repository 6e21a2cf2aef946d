"""Matrix, through matrix-nio: events in, outbox rows out. It decides nothing."""
