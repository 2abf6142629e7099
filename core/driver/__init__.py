"""The one training driver: requests in, frames and notices out, with no screen attached.

``core.driver.api`` declares the interface (``DriverApi``) and every request once (``REQUESTS``).
``core.driver.driver.Driver`` is the only code that touches a trainer while a learner steers it. The app
(``tui/driver/local.py``) gives it a sink that posts Textual messages; ``learn-tui run --headless --serve`` gives it a
sink that publishes to attached clients (``core/remote/``), and takes its events in the headless loop. The records it
emits are plain frozen dataclasses (``core/driver/records.py``, ``core/driver/frames.py``), so they can cross threads
and, encoded, the network.
"""
