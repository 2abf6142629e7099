"""Seeding and capturing every random number generator a lesson may use.

A captured state holds only tensors and plain Python values (numpy's state goes in as a tensor), so a
checkpoint that carries it loads with ``torch.load(..., weights_only=True)``: no pickled objects.
"""

from __future__ import annotations

import random
import threading
from typing import Any, cast

# The generators are process-wide: one thread at a time runs a lesson's code. Trainers take this lock to
# seed and to pull an event; code that runs other trainers beside a live one (the exercise check) holds
# it throughout and puts the generators back as it found them.
LOCK = threading.RLock()


def seed_all(seed: int) -> None:
    import numpy as np
    import torch

    with LOCK:
        _seed_all(seed, np, torch)


def _seed_all(seed: int, np: Any, torch: Any) -> None:
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)  # also seeds CUDA when present


def capture() -> dict[str, Any]:
    import numpy as np
    import torch

    _, keys, pos, has_gauss, gauss = cast(tuple, np.random.get_state())  # ("MT19937", keys, ...)
    state = {
        "python": random.getstate(),
        "torch": torch.get_rng_state(),
        "numpy": {
            "keys": torch.from_numpy(keys.astype(np.int64)),
            "pos": int(pos),
            "has_gauss": int(has_gauss),
            "gauss": float(gauss),
        },
    }
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def restore(state: dict[str, Any]) -> None:
    import numpy as np
    import torch

    saved = state["numpy"]
    keys = saved["keys"].numpy().astype(np.uint32)
    random.setstate(state["python"])
    np.random.set_state(("MT19937", keys, saved["pos"], saved["has_gauss"], saved["gauss"]))
    torch.set_rng_state(state["torch"])
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])


class OwnGenerators:
    """One run's own generator states, for runs that train side by side in one process (the app's compare
    view: ``RunSettings(own_rng=True)``), so each draws what it would draw alone, from its own seed.

    ``take_turn()``, called with ``LOCK`` held, puts this run's states into the process-wide generators. They
    are swapped only when another run took the last turn (a swap costs ~0.3 ms, numpy's
    state mostly): while one run trains alone its turns cost nothing. A run without its own generators must
    not train beside such runs."""

    _holder: OwnGenerators | None = None  # whose states the generators hold now
    saved: dict[str, Any] | None = None  # this run's states while another run holds the generators

    def seed(self, seed: int) -> None:
        """Start this run's generators from ``seed`` (they hold its states from here on)."""
        with LOCK:
            self.take_turn()
            seed_all(seed)

    def take_turn(self) -> None:
        holder = OwnGenerators._holder
        if holder is self:
            return
        if holder is not None:
            holder.saved = capture()
        if self.saved is not None:
            restore(self.saved)
        OwnGenerators._holder = self
