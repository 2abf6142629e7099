"""A frame's local variables as plain data: what the Variables tab, ``--vars`` and ``--json`` show of a stop.

``describe(frame or locals)`` reads each variable once, in the thread that drives the trainer at a yield point
(as snapshots are), and keeps no tensor: a tensor becomes its shape, dtype, device, its autograd facts
(``requires_grad``, ``grad_fn``, leaf or not, whether it has a ``.grad``) and a preview (every value of a small
one, min/mean/max of a larger one); a module its parameter count; a number or a short string itself; anything
else its type and a short text. ``changed`` names the variables that differ between two stops (a tensor
replaced or changed in place, a module whose weights or gradients moved, a number that differs). Only the one
variable named by ``full`` is described in full (every value of a tensor up to ``FULL_VALUES``, a module's
layers): the learner opened it.

Neither torch nor numpy is imported here: a tensor exists only once the lesson imported torch (the app imports
this module on its start-up path).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from core.base.i18n import pick

SMALL = 16  # a tensor or array of at most this many values is previewed whole
TEXT = 80  # characters of a value's short text
ITEMS = 4  # items of a list, tuple or dict named in its short text
FULL_VALUES = 4096  # values of a tensor shown when it is opened in full (more: numpy's summary, edges only)
FULL_TEXT = 20_000  # characters of anything else opened in full


@dataclass(frozen=True, slots=True)
class TensorInfo:
    """A tensor (or a numpy array: no autograd, ``device`` ``numpy``) without its storage."""

    shape: tuple[int, ...]
    dtype: str  # "float32"
    device: str  # "cpu", "cuda:0"; "numpy" for an array
    requires_grad: bool = False
    grad_fn: str | None = None  # "AddmmBackward0"; None for a leaf
    is_leaf: bool = True
    has_grad: bool = False  # a .grad is there (a leaf that requires grad, after a backward)
    values: tuple[float, ...] | None = None  # every value of a small one (flattened); None for a larger one
    low: float | None = None  # min, mean and max of a larger one
    mean: float | None = None
    high: float | None = None


@dataclass(frozen=True, slots=True)
class Variable:
    name: str
    kind: str  # "tensor", "array", "module", "number", "text" or "other"
    type_name: str  # "Tensor", "Parameter", "Net", "int", "SGD"
    text: str = ""  # the value as one short line: the preview, "8,490 parameters", 0.1, 'hello'
    tensor: TensorInfo | None = None
    params: int | None = None  # a module's parameter count
    version: tuple[int, ...] = ()  # identity and version counters: what ``changed`` compares beside the text
    full: str | None = None  # the whole description, for the one variable opened in full (else None)


def describe(source: Any, full: str | None = None) -> tuple[Variable, ...]:
    """Every local variable of ``source`` (a frame, e.g. a generator's ``gi_frame``, or a mapping of names to
    values), in their order; ``full``: the name of the one to describe in full. Read it in the thread that
    runs the frame's code, while it is stopped (a training thread at a yield)."""
    names = source.f_locals if hasattr(source, "f_locals") else source
    return tuple(variable(name, value, full=name == full) for name, value in dict(names).items() if name.isidentifier())


def variable(name: str, value: Any, full: bool = False) -> Variable:
    """One variable as plain data (``full``: with its whole description)."""
    try:
        described = _describe(name, value)
    except Exception as exc:  # a value whose attributes raise (a half-built object): say so, never stop a run
        return Variable(name, "other", type(value).__name__, f"(could not be read: {type(exc).__name__})")
    if not full:
        return described
    try:
        text = _full_text(described, value)
    except Exception as exc:
        text = f"(could not be read in full: {type(exc).__name__}: {exc})"
    return replace(described, full=text)


def changed(before: Sequence[Variable], after: Sequence[Variable]) -> frozenset[str]:
    """The names in ``after`` that are new or differ from ``before`` (the full descriptions aside)."""
    old = {v.name: _key(v) for v in before}
    return frozenset(v.name for v in after if old.get(v.name) != _key(v))


def _key(v: Variable) -> tuple[Any, ...]:
    return (v.kind, v.type_name, v.text, v.tensor, v.params, v.version)


# -- what each kind of value becomes -------------------------------------------------------------------
def _describe(name: str, value: Any) -> Variable:
    torch, numpy = sys.modules.get("torch"), sys.modules.get("numpy")
    kind = type(value).__name__
    if torch is not None and isinstance(value, torch.Tensor):
        info = _tensor(torch, value)
        return Variable(name, "tensor", kind, preview(info), info, version=_tensor_version(value))
    if torch is not None and isinstance(value, torch.nn.Module):
        params = {id(p): p for p in value.parameters()}.values()
        count = sum(p.numel() for p in params)
        return Variable(
            name,
            "module",
            kind,
            pick(f"{count:,} parameters", f"{count:,} 个参数"),
            params=count,
            version=_module_version(value),
        )
    if numpy is not None and isinstance(value, numpy.ndarray):
        info = _array(numpy, value)
        return Variable(name, "array", kind, preview(info), info, version=(id(value),))
    if isinstance(value, (bool, int, float, complex)) or (numpy is not None and isinstance(value, numpy.generic)):
        return Variable(
            name, "number", kind, _cut(repr(value) if isinstance(value, (bool, int, float)) else str(value))
        )
    if isinstance(value, (str, bytes)):
        return Variable(name, "text", kind, _cut(repr(value)))
    return Variable(name, "other", kind, _cut(_other_text(value)), version=(id(value),))


def _tensor(torch: Any, tensor: Any) -> TensorInfo:
    grad_fn = tensor.grad_fn
    leaf = tensor.is_leaf
    # (a non-leaf's .grad is read only when it retains it: otherwise it is None, and reading it warns)
    has_grad = (leaf or tensor.retains_grad) and tensor.grad is not None
    info = TensorInfo(
        tuple(tensor.shape),
        str(tensor.dtype).removeprefix("torch."),
        str(tensor.device),
        tensor.requires_grad,
        type(grad_fn).__name__ if grad_fn is not None else None,
        leaf,
        has_grad,
    )
    if tensor.is_complex() or tensor.is_sparse or tensor.device.type == "meta" or tensor.numel() == 0:
        return info
    data = tensor.detach()
    if data.numel() <= SMALL:
        values = tuple(float(v) for v in data.reshape(-1).tolist())
        return replace(info, values=values)
    numbers = data.float()
    low, high = torch.aminmax(numbers)
    low, mean, high = torch.stack([low, numbers.mean(), high]).tolist()
    return replace(info, low=low, mean=mean, high=high)


def _array(numpy: Any, array: Any) -> TensorInfo:
    info = TensorInfo(tuple(int(n) for n in array.shape), str(array.dtype), "numpy")
    if array.size == 0 or not (numpy.issubdtype(array.dtype, numpy.number) or array.dtype == bool):
        return info
    if numpy.iscomplexobj(array):
        return info
    if array.size <= SMALL:
        return replace(info, values=tuple(float(v) for v in array.reshape(-1).tolist()))
    return replace(info, low=float(array.min()), mean=float(array.mean()), high=float(array.max()))


def _tensor_version(tensor: Any) -> tuple[int, ...]:
    """Its identity, storage and in-place version, and its gradient's: a step that replaced or changed it shows
    (``w.data = ...`` swaps the storage without bumping the version)."""
    try:
        grad = tensor.grad if tensor.is_leaf else None
        mine = (id(tensor), tensor.data_ptr(), tensor._version)  # noqa: SLF001 (torch's in-place counter)
        return mine + ((-1, -1) if grad is None else (id(grad), grad._version))  # noqa: SLF001
    except RuntimeError:  # an inference-mode tensor keeps no version counter (a sparse one has no one storage)
        return (id(tensor),)


def _module_version(module: Any) -> tuple[int, ...]:
    """Its identity, and a hash of its parameters' and gradients' versions: an update, a backward, zero_grad."""
    return (id(module), hash(tuple(_tensor_version(param) for param in module.parameters())))


def _other_text(value: Any) -> str:
    """A short line for anything else: a container's length and first items, an optimizer's learning rate,
    an object's own repr (one line), or its length."""
    if isinstance(value, (list, tuple, set, frozenset)):
        items = list(value)[:ITEMS] if not isinstance(value, (set, frozenset)) else []
        shown = ", ".join(_item(item) for item in items) + (", …" if len(value) > len(items) and items else "")
        return _count(len(value)) + (f": {shown}" if shown else "")
    if isinstance(value, dict):
        keys = ", ".join(map(str, list(value)[:ITEMS])) + (", …" if len(value) > ITEMS else "")
        return _count(len(value)) + (f": {keys}" if keys else "")
    if callable(value) and isinstance(getattr(value, "__name__", None), str):
        return f"{value.__name__}()" if not isinstance(value, type) else f"class {value.__name__}"
    groups = getattr(value, "param_groups", None)
    if isinstance(groups, list) and groups and isinstance(groups[0], dict) and "lr" in groups[0]:
        more = pick(f", {len(groups)} param groups", f"，{len(groups)} 个参数组") if len(groups) > 1 else ""
        return f"lr {groups[0]['lr']:g}{more}"
    if type(value).__repr__ is not object.__repr__:
        return " ".join(repr(value).split())
    if hasattr(value, "__len__"):
        try:
            return f"len {len(value)}"
        except TypeError:
            return ""
    return ""


def _count(n: int) -> str:
    return pick(f"{n} item" if n == 1 else f"{n} items", f"{n} 项")


def _item(value: Any) -> str:
    torch = sys.modules.get("torch")
    if torch is not None and isinstance(value, torch.Tensor):
        return f"{type(value).__name__} {shape_text(tuple(value.shape))}"
    if isinstance(value, (bool, int, float, str)):
        return _cut(repr(value), 20)
    return type(value).__name__


def _cut(text: str, room: int = TEXT) -> str:
    return text if len(text) <= room else text[: room - 1] + "…"


# -- text, shared by the app and --vars ----------------------------------------------------------------
def number(value: float | None) -> str:
    """Four significant digits, as the tables show numbers: ``0.1235``, ``1.235e+08``, ``nan``."""
    if value is None:
        return "–"
    return f"{value:.4g}"


def shape_text(shape: tuple[int, ...]) -> str:
    """``64×1×28×28``; ``scalar`` for a 0-d tensor."""
    return "×".join(map(str, shape)) if shape else pick("scalar", "标量")


def preview(info: TensorInfo) -> str:
    """Every value of a small tensor (``[1, 2, 3]``; one value alone), else ``min 0 · mean 0.13 · max 1``."""
    if info.values is not None:
        shown = [number(v) for v in info.values]
        return shown[0] if len(shown) == 1 and not info.shape else "[" + ", ".join(shown) + "]"
    if info.mean is not None:
        return f"min {number(info.low)} · mean {number(info.mean)} · max {number(info.high)}"
    return ""


def _full_text(v: Variable, value: Any) -> str:
    lines = [f"{v.name}: {v.type_name}"]
    info = v.tensor
    if info is not None:
        lines[0] += f" {shape_text(info.shape)} · {info.dtype} · {info.device}"
        if v.kind == "tensor":
            lines.append(
                f"requires_grad {info.requires_grad} · grad_fn {info.grad_fn} · is_leaf {info.is_leaf} · "
                f".grad {'present' if info.has_grad else 'None'}"
            )
        data = value.detach() if v.kind == "tensor" else value
        lines.append(_values_text(data))
        if info.has_grad:
            lines += [".grad:", _values_text(value.grad.detach())]
        return "\n".join(lines)
    if v.kind == "module":
        trainable = sum(p.numel() for p in {id(p): p for p in value.parameters() if p.requires_grad}.values())
        lines[0] += pick(
            f" · {v.params:,} parameters ({trainable:,} trainable)", f" · {v.params:,} 个参数（{trainable:,} 个可训练）"
        )
        lines.append(repr(value))
        return "\n".join(lines)
    lines.append(_cut(repr(value), FULL_TEXT))
    return "\n".join(lines)


def _values_text(data: Any) -> str:
    """Every value up to ``FULL_VALUES`` (numpy's layout, 4 decimals), else numpy's summary (the edges)."""
    numpy = sys.modules["numpy"]
    if hasattr(data, "cpu"):
        data = data.cpu()
        if data.dtype == sys.modules["torch"].bfloat16:
            data = data.float()  # (numpy has no bfloat16)
        data = data.numpy()
    return numpy.array2string(data, threshold=FULL_VALUES, precision=4, max_line_width=100, edgeitems=4)
