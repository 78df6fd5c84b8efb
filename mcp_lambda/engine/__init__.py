"""The engines behind the `RequestHandler` contract, none of which reads an AWS event.

- ``child.py``: the stdio child process (spawn, lines, stderr, bounded shutdown);
- ``eras.py``: protocol eras and the bridge between them;
- ``session.py`` / ``adapter.py``: a child and what it told us / forwarding an invocation;
- ``request_handler.py``: `StdioServerAdapterRequestHandler` (deadline, warm or per invocation);
- ``inprocess.py`` / ``lifespan.py``: `MCPServerRequestHandler`, an SDK server in the Lambda process.
"""

__all__: list[str] = []
