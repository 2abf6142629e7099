"""The reference run's values at every yield, and the learner's live values compared with them in place.

``check`` costs two runs plus what it copies and compares, so this is kept small:

* the reference's values are recorded as tensor clones (numpy copies for numpy values), cloned again only
  where they changed: a tensor whose object, storage and ``_version`` are those of the yield before is
  unchanged, when the lesson's file writes tensors only in ways that bump ``_version``
  (``unversioned.versions_tell``). Otherwise, tensors autograd tracks are cloned again only at the phases that
  change them in a lesson (values at ``UPDATE``, gradients at ``ZERO_GRAD`` and ``BACKWARD``), which every
  lesson's own solution passing ``check`` at every level (tests/test_exercises*.py) holds the lessons to;
* the learner's values are never copied while they match: at every yield every watched value and gradient
  is compared with the reference's (bytes by ``memcmp``, or ``torch.equal``, then ``diagnose.close``'s
  tolerance), except a tensor that neither side changed since the yield where they last matched, told by the
  same marks, again only when the learner's file passes ``versions_tell``. Plain copies (``State``) are made
  only at the yield where something differs, for the message and the app.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from core.base.events import Progress
from core.exercises.diagnose import State, close

# Phases after which a lesson's tracked tensors, and their gradients, are as at the yield before (files that
# write behind torch's version counters: autograd's `.data`).
PARAMS_KEPT = frozenset({"FORWARD", "LOSS", "ZERO_GRAD", "BACKWARD", "STEP", "EVAL", "EPOCH"})
GRADS_KEPT = frozenset({"FORWARD", "LOSS", "UPDATE", "STEP", "EVAL", "EPOCH"})


class Watched:
    """A run's watched values as (name, tensor or array, tracked by autograd?), listed again only when the
    lesson watches more: listing a module's parameters at every yield would cost more than comparing them."""

    def __init__(self, trainer: Any) -> None:
        self.watched = trainer.run.watched
        self.count = -1
        self.items: list[tuple[str, Any, bool]] = []
        self.by_name: dict[str, tuple[Any, bool]] = {}
        # name -> (value's mark, gradient's mark, the reference's value, its gradient) at the last match
        self.seen: dict[str, tuple[Any, Any, Any, Any]] = {}

    def now(self) -> list[tuple[str, Any, bool]]:
        if len(self.watched) != self.count:
            self.count, self.items = len(self.watched), []
            for name, obj in self.watched.items():
                if hasattr(obj, "named_parameters"):
                    for pname, param in obj.named_parameters():
                        self.items.append(((f"{name}.{pname}" if name else pname), param, True))
                else:
                    self.items.append((name, obj, bool(getattr(obj, "requires_grad", False))))
            self.by_name = {name: (value, is_param) for name, value, is_param in self.items}
        return self.items


def where(event: Any) -> tuple[str | None, int, int, float | None]:
    """(phase, step, line, loss) of an event: the phase is None once the run ended (``Finished``, ``Diverged``)."""
    at = event if isinstance(event, Progress) else getattr(event, "at", None)
    if at is None:
        return None, 0, 0, None
    phase = at.phase.name if isinstance(event, Progress) and at.phase is not None else None
    return phase, at.step, at.line, at.loss if phase == "LOSS" else None


def gradient(value: Any, tracked: bool, reported: dict[str, Any], name: str) -> Any:
    """A tensor's ``.grad``, or the gradient the loop reported for a numpy value (``yield BACKWARD, {...}``)."""
    return value.grad if tracked or hasattr(value, "requires_grad") else reported.get(name)


def _clone(value: Any) -> Any:
    if value is None:
        return None
    if hasattr(value, "detach"):
        return value.detach().clone()
    return np.array(value, copy=True)


def _numpy(value: Any) -> Any:
    """A numpy copy in the value's own precision (float64 only for a dtype numpy lacks, e.g. bfloat16)."""
    if value is None or not hasattr(value, "detach"):
        return None if value is None else np.array(value, copy=True)
    tensor = value.detach().cpu()
    try:
        return tensor.numpy().copy()
    except TypeError:
        return tensor.double().numpy()


@dataclass(frozen=True)
class Record:
    """The reference at one yield: its event, where it was, and its values (name -> (value, gradient))."""

    event: Any
    phase: str | None
    step: int
    line: int
    loss: float | None
    values: dict[str, tuple[Any, Any]]

    def state(self) -> State:
        params = {name: _numpy(value) for name, (value, _) in self.values.items()}
        grads = {name: _numpy(grad) for name, (_, grad) in self.values.items()}
        return State(self.phase, self.step, self.line, self.loss, params, grads)


def record(
    trainer: Any,
    event: Any,
    items: list[tuple[str, Any, bool]],
    before: Record | None,
    marks: dict[str, tuple[Any, Any]] | None,
) -> Record:
    """The reference's values at ``event``. With ``marks`` (its file passes ``unversioned.versions_tell``), a
    tensor whose mark did not change since ``before`` keeps ``before``'s copy; without, tracked tensors keep it
    at the phases that do not change them in a lesson (``PARAMS_KEPT``, ``GRADS_KEPT``). The rest is cloned."""
    phase, step, line, loss = where(event)
    reported = trainer.run.reported_grads
    keep = before is not None and len(before.values) == len(items)
    keep_params, keep_grads = keep and phase in PARAMS_KEPT, keep and phase in GRADS_KEPT
    values = {}
    for name, value, tracked in items:
        grad = gradient(value, tracked, reported, name)
        old = before.values.get(name) if keep and before is not None else None
        if marks is not None:
            last, now = marks.get(name, (False, False)), (_mark(value), _mark(grad))
            marks[name] = now
            kept = old is not None and _unchanged(now[0], last[0]), old is not None and _unchanged(now[1], last[1])
        else:
            kept = tracked and old is not None and keep_params, tracked and old is not None and keep_grads
        values[name] = (old[0] if kept[0] and old else _clone(value), old[1] if kept[1] and old else _clone(grad))
    return Record(event, phase, step, line, loss, values)


def records(trainer: Any, versions: bool) -> Iterator[Record]:
    """The reference's record at every yield of its run, up to and including the event that ends it."""
    watched, before = Watched(trainer), None
    marks: dict[str, tuple[Any, Any]] | None = {} if versions else None
    while True:
        event = next(trainer, None)
        before = record(trainer, event, watched.now(), before, marks)
        yield before
        if not isinstance(event, Progress):
            return


@functools.cache
def _bytes_equal() -> Any:
    """libc's ``memcmp`` (through ctypes), or None where there is none to load: it compares a tensor's bytes
    at memory speed, several times faster than ``torch.equal`` on one thread."""
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or ctypes.util.find_library("msvcrt"))
        memcmp = libc.memcmp
    except (OSError, AttributeError, TypeError):
        return None
    memcmp.restype, memcmp.argtypes = ctypes.c_int, [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t]
    return memcmp


BIG = 4096  # elements from which memcmp beats torch.equal (below it, torch.equal's fewer Python calls win)


def _equal(live: Any, recorded: Any) -> bool:
    """Two tensors hold the same values: big contiguous CPU tensors of one dtype compared byte for byte."""
    import torch

    if live.numel() >= BIG and live.dtype == recorded.dtype and live.shape == recorded.shape:
        memcmp = _bytes_equal()
        contiguous = live.device.type == "cpu" and live.is_contiguous() and recorded.is_contiguous()
        if memcmp is not None and contiguous and memcmp(live.data_ptr(), recorded.data_ptr(), live.nbytes) == 0:
            return True
    return torch.equal(live, recorded)


def same(live: Any, recorded: Any) -> bool:
    """``live`` equals the reference's copy: bit for bit (no copy), else within ``diagnose.close``."""
    if live is None or recorded is None:
        return live is None and recorded is None
    tensors = hasattr(live, "detach"), hasattr(recorded, "detach")
    if tensors == (True, True):
        if live.device == recorded.device and live.layout == recorded.layout and _equal(live, recorded):
            return True
    elif tensors == (False, False):
        return close(live, recorded)
    return close(_numpy(live), _numpy(recorded))


def _cleared(grad: Any) -> bool:
    """No gradient, or one of zeros (``diagnose.grads_close``: both count as cleared)."""
    if grad is None:
        return True
    return not grad.any() if hasattr(grad, "detach") else not np.any(np.asarray(grad))


def _mark(value: Any) -> Any:
    """What tells a tensor unchanged: itself (kept alive, so no other object takes its id), its storage, its
    ``_version``; None for no value; False (never unchanged) for numpy values and tensors without a version."""
    if value is None:
        return None
    version = getattr(value, "_version", None)  # (torch's in-place counter; cheaper than catching its absence)
    if version is None:
        return False
    try:
        return (value, value.data_ptr(), version)
    except RuntimeError:
        return False


def _unchanged(mark: Any, last: Any) -> bool:
    if mark is None or last is None:
        return mark is None and last is None
    return bool(mark) and bool(last) and mark[0] is last[0] and mark[1] == last[1] and mark[2] == last[2]


def matches(
    trainer: Any, at: tuple[str | None, int, int, float | None], watched: Watched, ref: Record, versions: bool
) -> bool:
    """The learner's run ``at`` (phase, step, line, loss) is the reference's ``ref``: the phase, the loss at
    ``LOSS``, every value and gradient the reference watches (``diagnose.first_difference`` says what differs).
    With ``versions`` (``unversioned.versions_tell``), a tensor is not compared again while neither it nor the
    reference's copy changed since the yield where they last matched."""
    phase, _, _, loss = at
    if phase != ref.phase or (phase == "LOSS" and not close(loss, ref.loss)):
        return False
    watched.now()
    mine, seen = watched.by_name, watched.seen
    reported = trainer.run.reported_grads
    for name, (ref_value, ref_grad) in ref.values.items():
        found = mine.get(name)
        if found is None:
            return False
        value, tracked = found
        grad = value.grad if tracked else gradient(value, tracked, reported, name)
        marks = (_mark(value), _mark(grad)) if versions else (False, False)
        last = seen.get(name)
        if not (last is not None and last[3] is ref_grad and _unchanged(marks[1], last[1])) and not (
            same(grad, ref_grad) or (_cleared(grad) and _cleared(ref_grad))
        ):
            return False
        if not (last is not None and last[2] is ref_value and _unchanged(marks[0], last[0])) and not same(
            value, ref_value
        ):
            return False
        if versions:
            seen[name] = (marks[0], marks[1], ref_value, ref_grad)
    return True


def live_state(trainer: Any, event: Any, items: list[tuple[str, Any, bool]]) -> State:
    """Plain copies of the learner's run at ``event``, for the message and the app (where it differs)."""
    phase, step, line, loss = where(event)
    reported = trainer.run.reported_grads
    params = {name: _numpy(value) for name, value, _ in items}
    grads = {name: _numpy(gradient(value, tracked, reported, name)) for name, value, tracked in items}
    return State(phase, step, line, loss, params, grads)


def add_locals(state: State, trainer: Any) -> None:
    """The loop's tensors' shapes and which carry a grad_fn: asked only where the runs differ."""
    import torch

    for name, value in trainer.loop_variables().items():
        if isinstance(value, torch.Tensor):
            state.shapes[name] = tuple(value.shape)
            if value.grad_fn is not None and value.dim() <= 1 and value.numel() == 1 and value.requires_grad:
                state.graphed.add(name)
