"""The HTTP edge: reads whole requests without lending a worker to a slow client
(see docs/slow-clients.md)."""
