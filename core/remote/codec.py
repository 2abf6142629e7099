"""The driver's records as JSON, and back: one codec for everything ``--serve`` sends.

A record is a frozen dataclass of ``core`` (a ``Frame`` with its ``Progress`` and ``Snapshot``, a ``Notice``
...): it is written as a JSON object whose ``"@"`` names its class, with one key per field. Decoding builds
only the classes of ``ALLOWED`` (an allow-list, looked up by that name: nothing is imported by a name read
from the wire, and nothing is unpickled); an unknown name, an unknown field or a value of the wrong shape is
a ``CodecError``, and so is a field whose value is not of its declared type (a step that is text, a
snapshot that is a list): what ``decode`` returns is as well-formed as what the driver built. JSON has no
tuples: the fields that hold tuples are listed here and turned back into tuples, so a decoded frame equals
the one sent. Floats keep nan and inf (Python's ``NaN``/``Infinity``).
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from collections.abc import Mapping
from enum import Enum
from typing import Any, Literal, Union

from core.base.events import Progress
from core.base.status import Status
from core.driver.frames import Frame
from core.driver.records import ActionDone, Answer, Failure, LineStop, Notice
from core.engine.model_summary import Layer, ModelSummary
from core.engine.snapshot import ParamSnapshot, Snapshot, Stats
from core.engine.variables import TensorInfo, Variable
from core.phases import Phase
from core.remote.messages import Bye, Refused, Welcome

TAG = "@"
ALLOWED: dict[str, type] = {
    cls.__name__: cls
    for cls in (
        Frame,
        Progress,
        Snapshot,
        ParamSnapshot,
        Stats,
        LineStop,
        Variable,
        TensorInfo,
        ModelSummary,
        Layer,
        Notice,
        ActionDone,
        Failure,
        Answer,
        Welcome,
        Refused,
        Bye,
    )
}
ENUMS: dict[str, type[Enum]] = {"Status": Status, "Phase": Phase}
FIELDS = {name: {f.name for f in dataclasses.fields(cls)} for name, cls in ALLOWED.items()}
# Fields that hold tuples (nested tuples too): JSON writes them as lists.
TUPLES = {
    "Frame": {"recent", "losses", "variables"},
    "ParamSnapshot": {"shape", "values", "grad"},
    "Snapshot": {"params"},
    "Variable": {"version"},
    "TensorInfo": {"shape", "values"},
    "ModelSummary": {"layers"},
    "Layer": {"outputs"},
}
TUPLE_VALUES = {"Frame": {"evals"}}  # a mapping whose values are tuples


class CodecError(ValueError):
    """A line that is not a record this side knows (garbled, foreign, or of a newer version)."""


def encode(record: Any) -> str:
    """One JSON line (no newline) for a record of ``ALLOWED``."""
    return json.dumps(_plain(record), separators=(",", ":"))


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)) and not isinstance(value, Enum):
        return value
    if isinstance(value, Enum):
        name = type(value).__name__
        if ENUMS.get(name) is not type(value):
            raise TypeError(f"cannot send {name}")
        return {TAG: name, "v": value.value}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        name = type(value).__name__
        if ALLOWED.get(name) is not type(value):
            raise TypeError(f"cannot send {name}")
        fields = {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {TAG: name, **fields}
    if isinstance(value, dict) or hasattr(value, "items"):
        items = {str(k): _plain(v) for k, v in value.items()}
        return {TAG: "dict", "v": items} if TAG in items else items
    if hasattr(value, "tolist"):  # a numpy array or scalar left in a view's data
        return _plain(value.tolist())
    raise TypeError(f"cannot send a {type(value).__name__}")


def decode(line: str | bytes) -> Any:
    """The record a line holds; ``CodecError`` when it is not one."""
    try:
        data = json.loads(line)
    except (ValueError, RecursionError) as exc:
        raise CodecError(f"not JSON ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get(TAG), str) or data[TAG] not in ALLOWED:
        raise CodecError("not a record this version knows")
    try:
        return _build(data)
    except (TypeError, ValueError, RecursionError) as exc:
        raise CodecError(f"a malformed record ({exc})") from None


def _build(value: Any) -> Any:
    if isinstance(value, list):
        return [_build(v) for v in value]
    if not isinstance(value, dict):
        return value
    name = value.get(TAG)
    if name is None:
        return {k: _build(v) for k, v in value.items()}
    if not isinstance(name, str):
        raise TypeError("a tag that is not a name")
    if name == "dict":
        return {k: _build(v) for k, v in _mapping(value.get("v")).items()}
    if name in ENUMS:
        return ENUMS[name](value.get("v"))
    cls = ALLOWED.get(name)
    if cls is None:
        raise TypeError(f"unknown record {name!r}")
    fields = {k: v for k, v in value.items() if k != TAG}
    if unknown := set(fields) - FIELDS[name]:
        raise TypeError(f"{name} has no field {sorted(unknown)[0]!r}")
    built = {k: _build(v) for k, v in fields.items()}
    for key in TUPLES.get(name, ()) & built.keys():
        built[key] = _tuples(built[key])
    for key in TUPLE_VALUES.get(name, ()) & built.keys():
        built[key] = {k: _tuples(v) for k, v in _mapping(built[key]).items()}
    hints = _hints(name)
    for key, value in built.items():
        if not _is(value, hints[key]):
            raise TypeError(f"{name}.{key} is not {hints[key]}")
    return cls(**built)


def _hints(name: str) -> dict[str, Any]:
    """A record's field types (its annotations resolved once, with the record classes in scope)."""
    if name not in HINTS:
        HINTS[name] = typing.get_type_hints(ALLOWED[name], localns={**ALLOWED, **ENUMS})
    return HINTS[name]


HINTS: dict[str, dict[str, Any]] = {}


def _is(value: Any, hint: Any) -> bool:
    """``value`` is of the annotated type ``hint`` (the few forms the records use; an int is a float, a bool is
    neither)."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is Any:
        return True
    if origin in (Union, types.UnionType):
        return any(_is(value, arm) for arm in args)
    if origin is Literal:
        return isinstance(value, str) and value in args
    if origin is tuple:
        if not isinstance(value, tuple):
            return False
        if len(args) == 2 and args[1] is Ellipsis:
            return all(_is(item, args[0]) for item in value)
        return len(value) == len(args) and all(_is(item, arm) for item, arm in zip(value, args, strict=True))
    if origin is Mapping:
        return isinstance(value, dict) and all(isinstance(k, str) and _is(v, args[1]) for k, v in value.items())
    if isinstance(value, bool):
        return hint is bool
    if hint is float:
        return isinstance(value, (int, float))
    return isinstance(value, hint)


def _tuples(value: Any) -> Any:
    return tuple(_tuples(v) for v in value) if isinstance(value, list) else value


def _mapping(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise TypeError("expected an object")
    return value
