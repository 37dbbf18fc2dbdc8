"""Local stand-ins for outside systems (make run, tests, bench): never packaged into the Lambda."""
