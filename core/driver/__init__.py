"""The one training driver: requests in, frames and notices out, with no screen attached.

``core.driver.driver.Driver`` is the only code that touches a trainer while a learner steers it. The app
(``tui/driver/local.py``) gives it a sink that posts Textual messages; ``learn-tui run --headless --serve`` gives it a
sink that publishes to attached clients (``core/remote/``). The records it emits are plain frozen dataclasses
(``core/driver/records.py``, ``core/driver/frames.py``), so they can cross threads and, encoded, the network.
"""
