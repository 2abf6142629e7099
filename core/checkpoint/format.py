"""What marks a learn-tui checkpoint: its format name and version."""

from __future__ import annotations

FORMAT = "learn-tui checkpoint"


VERSION = 2  # 2: numpy arrays and numpy's random state stored as tensors (version 1 pickled numpy objects)
