"""The local Lambda emulator behind ``mcp-lambda dev``: a Runtime API that a real
``awslambdaric`` process polls (``runtime_api.py``), and loopback HTTP fronts that turn
requests into real event shapes (``server.py``, ``fronts.py``, ``events.py``).
Development tooling: never imported on the Lambda path."""

__all__: list[str] = []
