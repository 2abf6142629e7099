"""Serve a headless run to other terminals, and attach to one: ``learn-tui run LESSON --headless --serve PORT``
and ``learn-tui attach PORT``. JSON lines over asyncio streams (``codec.py``: the records; ``server.py``,
``client.py``: the two ends, ``handshake.py`` each connection's first exchange; ``protocol.py``: the requests,
the limits and the token; ``lesson_check.py``: which lesson a client may load for a server's welcome)."""
