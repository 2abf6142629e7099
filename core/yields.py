"""What a lesson's ``yield`` may carry, checked as the trainer reads it.

A learner's loop yields a phase, optionally with one value: ``yield FORWARD``, ``yield LOSS, loss`` (one
number), ``yield STEP, {"accuracy": acc}`` (metrics), ``yield BACKWARD, {"w": grad}`` (gradients computed
by hand, for watched tensors or numpy arrays that have no ``.grad``: the Grads tab shows them). Anything
else raises ``BadYield`` with a short reason; the trainer turns it into a ``LessonCrashed`` naming the file
and line of the offending yield, so the learner sees their own line and never the trainer's traceback.
"""

from __future__ import annotations

import numbers
import sys
from collections.abc import Mapping
from typing import Any

from core.base.i18n import Texts
from core.errors import LessonCrashed
from core.phases import Phase

PHASE_NAMES = ", ".join(p.name for p in Phase)
TEXTS: dict[str, tuple[str, str]] = {  # what a bad yield says, in English and in Chinese (``say``)
    "carries": (
        "a yield carries a phase ({phases}), optionally with one value: "
        "yield LOSS, loss (one number: a float or a one-element tensor), "
        'yield STEP, {{"accuracy": acc}} (metrics: a dict of name -> number or text), '
        'yield BACKWARD, {{"w": grad}} (hand-computed gradients of watched values)',
        "yield 带一个阶段（{phases}），可再带一个值：yield LOSS, loss（一个数：float 或只有一个元素的张量），"
        'yield STEP, {{"accuracy": acc}}（指标：名字 -> 数或文本 的 dict），'
        'yield BACKWARD, {{"w": grad}}（手算的、被观察的值的梯度）',
    ),
    "bad": ("{location}: {exc}; {carries}", "{location}：{exc}；{carries}"),
    "not a generator": (
        "{location}: train(run) returned {what}, not a generator; train(run) must be "
        "a generator function that yields phases: yield FORWARD, yield LOSS, loss, ...",
        "{location}：train(run) 返回了 {what}，不是生成器；train(run) 必须是逐个 yield 阶段的生成器函数："
        "yield FORWARD, yield LOSS, loss, ...",
    ),
    "a": ("a {kind}", "{kind}"),
    "an": ("an {kind}", "{kind}"),
    "shaped": ("{kind} of shape {shape}", "{kind}（形状为 {shape}）"),
    "value": ("{kind} ({text})", "{kind}（{text}）"),
    "tuple": ("yielded a tuple of {n} items", "yield 了一个有 {n} 项的 tuple"),
    "bare": ("yielded None (a bare yield)", "yield 了 None（一个空的 yield）"),
    "yielded": ("yielded {what}", "yield 了 {what}"),
    "not grads": (
        'yield BACKWARD carried {what}, not a dict of gradients such as {{"w": grad}} naming watched values',
        'yield BACKWARD 带的是 {what}，不是梯度的 dict（如 {{"w": grad}}，以被观察的值命名）',
    ),
    "not watched": (
        "yield BACKWARD named {name!r}, which is not a watched tensor or array (watched: {watched}; "
        "run.watch(w=w) it first)",
        "yield BACKWARD 给出的 {name!r} 不是被观察的张量或数组（被观察的：{watched}；请先 run.watch(w=w)）",
    ),
    "nothing": ("nothing", "无"),
    "grad not numbers": (
        "the gradient of {name!r} yielded with BACKWARD is {what}, not numbers",
        "随 BACKWARD yield 的 {name!r} 的梯度是 {what}，不是数",
    ),
    "grad size": (
        "the gradient of {name!r} yielded with BACKWARD has {size} values, but {name!r} has shape {shape}",
        "随 BACKWARD yield 的 {name!r} 的梯度有 {size} 个值，但 {name!r} 的形状是 {shape}",
    ),
    "loss": ("yield LOSS carried {what}", "yield LOSS 带的是 {what}"),
    "loss elements": (
        "yield LOSS carried {what} ({count} elements; reduce it, e.g. .mean())",
        "yield LOSS 带的是 {what}（{count} 个元素；请把它归约成一个数，例如 .mean()）",
    ),
    "not metrics": (
        "yield {phase} carried {what}, not a dict of metrics",
        "yield {phase} 带的是 {what}，不是指标的 dict",
    ),
    "metric": (
        "metric {metric!r} of yield {phase} is {what}: {why}",
        "yield {phase} 的指标 {metric!r} 是 {what}：{why}",
    ),
    "metric unread": (
        "metric {metric!r} of yield {phase} is {what}, which cannot be read as a number ({why})",
        "yield {phase} 的指标 {metric!r} 是 {what}，无法读成一个数（{why}）",
    ),
    "not number": ("a {kind} is not a number or text", "{kind} 不是数，也不是文本"),
}
BIG_INT = 2**63  # larger whole numbers are shown as floats (JSON and str() choke on huge ones)


say = Texts(TEXTS).say  # TEXTS[key] in the chosen language, filled in


class BadYield(Exception):
    """What is wrong with one yielded item, in a few words (the trainer adds where and what to do)."""


class Stopped:
    """Pulled instead of an item when the loop raised because its parameters already held nan/inf
    (e.g. ``BCELoss`` refusing a nan prediction): the run diverged, it did not crash."""

    def __init__(self, reason: str) -> None:
        self.reason = reason.splitlines()[0] if reason else reason


def bad_yield(gen: Any, exc: BadYield) -> LessonCrashed:
    """The learner's file and line of a yield the trainer cannot read, and what a yield may carry."""
    location, excerpt = where(gen)
    return LessonCrashed(
        say("bad", location=location, exc=exc, carries=say("carries", phases=PHASE_NAMES)), details=excerpt
    )


def start(train: Any, run: Any) -> Any:
    """``train(run)``, which must be a generator (calling a generator function runs none of its code)."""
    import inspect

    gen = train(run)
    if inspect.isgenerator(gen):
        return gen
    code = getattr(train, "__code__", None)
    location, excerpt = at(code, code.co_firstlineno) if code is not None else ("train(run)", "")
    raise LessonCrashed(say("not a generator", location=location, what=describe(gen)), details=excerpt)


def describe(value: Any) -> str:
    """``None``, ``a str ('abc')``, ``a tensor of shape (3,)``: what the learner yielded, briefly."""
    if value is None:
        return "None"
    kind = type(value).__name__
    kind = say("an" if kind[0].lower() in "aeiou" else "a", kind=kind)
    try:
        if getattr(value, "shape", None) is not None and not isinstance(value, (numbers.Number, str)):
            return say("shaped", kind=kind, shape=tuple(value.shape))
        text = repr(value)
    except Exception:  # a learner's object whose shape or repr fails: its type says enough
        return kind
    return say("value", kind=kind, text=text if len(text) <= 40 else text[:37] + "...")


def split(item: Any) -> tuple[Phase, Any]:
    """The phase and its value (or None) of one yielded item."""
    if type(item) is tuple:
        if len(item) != 2:
            raise BadYield(say("tuple", n=len(item)))
        phase, payload = item
    else:
        phase, payload = item, None
    if type(phase) is Phase:
        return phase, payload
    try:
        return Phase(phase), payload
    except (ValueError, TypeError):
        raise BadYield(say("bare") if item is None else say("yielded", what=describe(phase))) from None


def phase_of(item: Any) -> Phase | None:
    """The phase of a yielded item, None when it is not one (it is checked when it becomes an event)."""
    phase = item[0] if type(item) is tuple and item else item
    return phase if type(phase) is Phase else None


def grad_values(payload: Any, watched: Mapping[str, Any]) -> dict[str, Any]:
    """``yield BACKWARD, {"w": grad}``: copies of hand-computed gradients (numbers, numpy arrays or tensors)
    of watched values, each with its value's shape, kept until the next report (a lesson may update the
    gradient's array in place afterwards)."""
    import numpy as np

    if not isinstance(payload, Mapping):
        raise BadYield(say("not grads", what=describe(payload)))
    grads = {}
    for name, grad in payload.items():
        if name not in watched or hasattr(watched[name], "named_parameters"):
            watching = ", ".join(map(repr, watched)) or say("nothing")
            raise BadYield(say("not watched", name=name, watched=watching))
        try:
            value = grad.detach().cpu().double().numpy() if hasattr(grad, "detach") else grad
            array = np.array(value, dtype=np.float64)  # a copy
        except Exception:
            raise BadYield(say("grad not numbers", name=name, what=describe(grad))) from None
        shape = tuple(getattr(watched[name], "shape", ()))
        if array.size != max(int(np.prod(shape)), 1):
            raise BadYield(say("grad size", name=name, size=array.size, shape=shape))
        grads[name] = array.reshape(shape)
    return grads


def loss_value(payload: Any) -> float:
    """The loss as a float: a Python number, or a one-element tensor or numpy value."""
    if type(payload) is float:  # the usual cases first, before the (slower) abstract-class checks
        return payload
    value = payload
    torch = sys.modules.get("torch")  # (never imported here: a lesson that yields a tensor imported it)
    if torch is not None and type(payload) is torch.Tensor and payload.numel() == 1:
        value = payload.item()
        if type(value) is float:
            return value
    elif not isinstance(payload, numbers.Number):
        count = payload.numel() if callable(getattr(payload, "numel", None)) else getattr(payload, "size", None)
        if not isinstance(count, int) or not callable(getattr(payload, "item", None)):
            raise BadYield(say("loss", what=describe(payload)))
        if count != 1:
            raise BadYield(say("loss elements", what=describe(payload), count=count))
        value = payload.item()
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise BadYield(say("loss", what=describe(payload)))
    return _float(value)


def metric_values(phase: Phase, payload: Any, plain: Any) -> dict[str, Any]:
    """Metrics as plain data (``plain`` converts tensors and arrays), each value a number, text or list."""
    if not isinstance(payload, Mapping):
        raise BadYield(say("not metrics", phase=phase.name, what=describe(payload)))
    metrics = {}
    for key, value in payload.items():
        try:
            metrics[str(key)] = _checked(plain(value))
        except BadYield as exc:
            raise BadYield(say("metric", metric=str(key), phase=phase.name, what=describe(value), why=exc)) from None
        except Exception as exc:  # plain() could not read it (e.g. a complex or a meta tensor)
            why = f"{type(exc).__name__}: {exc}"
            raise BadYield(
                say("metric unread", metric=str(key), phase=phase.name, what=describe(value), why=why)
            ) from None
    return metrics


def _checked(value: Any) -> Any:
    if value is None or isinstance(value, (bool, float, str)):
        return value
    if isinstance(value, int):
        return value if -BIG_INT < value < BIG_INT else _float(value)
    if isinstance(value, list):
        return [_checked(v) for v in value]
    if isinstance(value, dict):
        return {k: _checked(v) for k, v in value.items()}
    raise BadYield(say("not number", kind=type(value).__name__))


def _float(value: Any) -> float:
    try:  # a whole number too large for a float overflows
        return float(value)
    except OverflowError:
        return float("inf") if value > 0 else float("-inf")


def where(gen: Any) -> tuple[str, str]:
    """``file:line`` of the yield a generator is suspended at (followed into ``yield from``), and that
    line as a traceback shows it: the learner's own line, with no trainer frames."""
    while getattr(gen, "gi_yieldfrom", None) is not None and getattr(gen.gi_yieldfrom, "gi_frame", None):
        gen = gen.gi_yieldfrom
    frame = getattr(gen, "gi_frame", None)
    if frame is None:
        return "?", ""
    return at(frame.f_code, frame.f_lineno)


def at(code: Any, line: int) -> tuple[str, str]:
    """``file:line`` of a line of ``code`` and that line as a traceback shows it."""
    import linecache

    path = code.co_filename
    text = linecache.getline(path, line).strip()
    return f"{path}:{line}", f'  File "{path}", line {line}, in {code.co_name}\n' + (f"    {text}\n" if text else "")
