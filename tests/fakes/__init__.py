"""In-memory repositories behind the kernel's Protocols: use cases run in milliseconds in
unit tests; moto keeps testing the real adapters and the journeys end to end."""
