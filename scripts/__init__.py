"""Developer tooling: the local stack, development tokens, benchmarks. Never packaged."""
