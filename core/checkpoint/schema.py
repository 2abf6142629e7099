"""What a learn-tui checkpoint must hold, checked before any of it is used.

A file that unpickles (tensors and plain values only) may still be malformed: edited by hand, cut
short by another tool, saved by a different program. ``check_structure`` turns each such defect into
one ``CheckpointError`` line instead of a KeyError or TypeError from deep inside a resume.
"""

from __future__ import annotations

from typing import Any

from core.checkpoint.errors import UnusableCheckpoint
from core.errors import CheckpointError

NONE = type(None)
INT, NUMBER = "int", "number"  # an int that is not a bool; an int or a float that is not a bool

# key -> the types its value may have
FIELDS: dict[str, tuple[Any, ...]] = {
    "lesson": (str,),
    "options": (dict,),
    "seed": (INT,),
    "lr": (NUMBER,),
    "step": (INT,),
    "loss": (NUMBER, NONE),
    "loss_limit": (NUMBER, NONE),
    "metrics": (dict,),
    "status": (str,),
    "after_eval": (bool,),
    "max_steps": (INT, NONE),
    "max_epochs": (INT, NONE),
    "history": (dict,),
    "evals": (dict,),
    "last_epoch": (INT,),
    "trainer": (dict,),
    "rng": (dict,),
    "epoch_rng": (dict, NONE),
    "epoch_options": (dict,),
    "watched": (dict,),
    "optimizers": (list,),
    "totals": (dict,),
    "lesson_state": (dict,),
}
HISTORY = {
    "recent": (list,),
    "recent_size": (INT,),
    "max_buckets": (INT,),
    "bucket_size": (INT,),
    "count": (INT,),
    "buckets": (list,),
}


class Malformed(Exception):
    """What is wrong, e.g. "'step' is a str, not an int"."""


def check_structure(state: dict, source: Any) -> None:
    """Raise CheckpointError (one line naming ``source`` and the defect) unless ``state`` is well formed."""
    try:
        _check(state)
    except Malformed as exc:
        raise UnusableCheckpoint(
            f"{source} is a damaged learn-tui checkpoint ({exc}); save it again from its run"
        ) from None


def _check(state: dict) -> None:
    _fields(state, FIELDS, "")
    if state["step"] < 0:
        raise Malformed("'step' is negative")
    _fields(state["trainer"], {"epoch": (INT,), "batch": (INT,)}, "trainer.")
    if state["trainer"]["epoch"] < 1 or state["trainer"]["batch"] < 0:
        raise Malformed("'trainer' holds an epoch below 1 or a negative batch")
    for key in ("options", "metrics", "epoch_options", "watched", "evals", "totals", "lesson_state"):
        if not all(isinstance(name, str) for name in state[key]):
            raise Malformed(f"'{key}' has a key that is not a string")
    for name, value in state["totals"].items():  # a running sum, or a list of numbers (linear-grid's sweep)
        _is(value, (NUMBER, list) + _tensor(), f"totals.{name}")
        if isinstance(value, list):
            for item in value:
                _is(item, (NUMBER,), f"totals.{name}[]")
    _history(state["history"], "history")
    for name, history in state["evals"].items():
        _history(history, f"evals.{name}")
    _rng(state["rng"], "rng")
    if state["epoch_rng"] is not None:
        _rng(state["epoch_rng"], "epoch_rng")
    for name, entry in state["watched"].items():
        _watched(entry, f"watched.{name or 'model'}")
    for index, optimizer in enumerate(state["optimizers"]):
        where = f"optimizers[{index}]"
        _is(optimizer, (dict,), where)
        _fields(optimizer, {"state": (dict,), "param_groups": (list,)}, where + ".")
        for group in optimizer["param_groups"]:
            _is(group, (dict,), where + ".param_groups")
            _fields(group, {"params": (list,)}, where + ".param_groups.")
            if not all(type(pid) is int for pid in group["params"]):
                raise Malformed(f"'{where}.param_groups.params' holds something that is not a parameter number")


def _history(state: Any, where: str) -> None:
    _is(state, (dict,), where)
    _fields(state, HISTORY, where + ".")
    if state["recent_size"] < 1 or state["max_buckets"] < 1:
        raise Malformed(f"'{where}' has a size below 1")
    for point in state["recent"]:
        if not (isinstance(point, (tuple, list)) and len(point) == 2):
            raise Malformed(f"'{where}.recent' holds something that is not a (step, value) pair")
    for bucket in state["buckets"]:
        if not (isinstance(bucket, (tuple, list)) and len(bucket) == 6):
            raise Malformed(f"'{where}.buckets' holds something that is not a bucket")


def _rng(state: dict, where: str) -> None:
    import torch

    _fields(state, {"python": (tuple,), "numpy": (dict,), "torch": _tensor()}, where + ".")
    python = state["python"]
    if not (
        len(python) == 3
        and isinstance(python[1], tuple)
        and len(python[1]) == 625
        and all(type(v) is int for v in python[1])
    ):
        raise Malformed(f"'{where}.python' is not Python's random state")
    numpy = state["numpy"]
    _fields(numpy, {"keys": _tensor(), "pos": (INT,), "has_gauss": (INT,), "gauss": (NUMBER,)}, where + ".numpy.")
    if numpy["keys"].dtype != torch.int64 or tuple(numpy["keys"].shape) != (624,):
        raise Malformed(f"'{where}.numpy.keys' is not numpy's random state")
    if state["torch"].dtype != torch.uint8 or state["torch"].dim() != 1:
        raise Malformed(f"'{where}.torch' is not torch's random state")
    if "cuda" in state and not (isinstance(state["cuda"], list) and all(torch.is_tensor(t) for t in state["cuda"])):
        raise Malformed(f"'{where}.cuda' is not CUDA's random state")


def _watched(entry: Any, where: str) -> None:
    _is(entry, (dict,), where)
    kind = entry.get("kind")
    if kind == "module":
        _fields(entry, {"state": (dict,), "grads": (dict,)}, where + ".")
        for name, grad in entry["grads"].items():
            _is(grad, _tensor(), f"{where}.grads.{name}")
    elif kind == "tensor":
        _fields(entry, {"value": _tensor(), "grad": _tensor() + (NONE,)}, where + ".")
    elif kind == "array":
        _fields(entry, {"value": _tensor()}, where + ".")
    else:
        raise Malformed(f"'{where}' is of an unknown kind {kind!r}")


def _fields(mapping: dict, fields: dict[str, tuple[Any, ...]], prefix: str) -> None:
    for key, kinds in fields.items():
        if key not in mapping:
            raise Malformed(f"'{prefix}{key}' is missing")
        _is(mapping[key], kinds, prefix + key)


def _is(value: Any, kinds: tuple[Any, ...], where: str) -> None:
    for kind in kinds:
        if kind == INT and type(value) is int:
            return
        if kind == NUMBER and type(value) in (int, float):
            return
        if isinstance(kind, type) and isinstance(value, kind) and not (kind is int and type(value) is bool):
            return
    names = " or ".join(k if isinstance(k, str) else ("None" if k is NONE else k.__name__) for k in kinds)
    raise Malformed(f"'{where}' is a {type(value).__name__}, not {names}")


def _tensor() -> tuple[Any, ...]:
    import torch

    return (torch.Tensor,)


def check_optimizer_fits(optimizer: Any, saved: dict, index: int) -> None:
    """Raise CheckpointError unless ``saved`` (an optimizer's state dict) has the settings and the state
    that ``optimizer`` will read: e.g. an SGD state given to Adam lacks 'betas'."""
    import torch

    def unfit(detail: str) -> CheckpointError:
        return CheckpointError(
            f"the checkpoint's optimizer {index + 1} does not fit this lesson's "
            f"{type(optimizer).__name__}: {detail}; was it saved with other options?"
        )

    groups = saved["param_groups"]
    if len(groups) != len(optimizer.param_groups):
        raise unfit(f"{len(groups)} parameter groups, not {len(optimizer.param_groups)}")
    params: dict[int, Any] = {}
    for live, group in zip(optimizer.param_groups, groups):
        if len(group["params"]) != len(live["params"]):
            raise unfit(f"{len(group['params'])} parameters, not {len(live['params'])}")
        params.update(zip(group["params"], live["params"]))
        for key, value in live.items():
            if key == "params":
                continue
            if key not in group:
                raise unfit(f"it lacks '{key}'")
            kinds = {_kind(value), _kind(group[key])} - {None}
            if len(kinds) > 1 or isinstance(value, bool) and group[key] != value:
                raise unfit(f"its '{key}' is {group[key]!r}")
    if len(params) != sum(len(group["params"]) for group in groups):
        raise unfit("a parameter is named twice")
    layout = None  # the optimizer keeps the same entries, of the same kinds, for every parameter
    for pid, entry in saved["state"].items():
        param = params.get(pid)
        if param is None or not isinstance(entry, dict):
            raise unfit("its state names an unknown parameter")
        entry_kinds = {key: "tensor" if torch.is_tensor(value) else _kind(value) for key, value in entry.items()}
        if layout is not None and entry_kinds != layout:
            raise unfit("its state differs from one parameter to the next")
        layout = entry_kinds
        for key, value in entry.items():
            if key in PARAM_SHAPED and torch.is_tensor(value) and value.shape != param.shape:
                raise unfit(f"its '{key}' does not have the parameter's shape")


# per-parameter state that torch's own optimizers keep in the parameter's shape
PARAM_SHAPED = {
    "exp_avg",
    "exp_avg_sq",
    "max_exp_avg_sq",
    "momentum_buffer",
    "square_avg",
    "acc_delta",
    "sum",
    "grad_avg",
    "prev",
    "ax",
    "step_size",
}


def _kind(value: Any) -> str | None:
    import torch

    if value is None:
        return None
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)) or torch.is_tensor(value) and value.numel() == 1:
        return "number"
    if torch.is_tensor(value):
        return "tensor"
    if isinstance(value, (tuple, list)):
        return "sequence"
    return type(value).__name__
