"""The model as a tree of layers with their parameter counts and output shapes: what Keras's ``model.summary()``
and torchinfo print, as plain data for the Model tab.

The output shapes are those of the lesson's own forward pass, noted by forward hooks (``OutputShapes``) that are
installed on the watched modules only while someone looks (the Model tab is visible), for one forward pass
after each frame, and removed when nobody looks.

torchinfo is not used: it runs a forward pass of its own on an input it must be given (a learner's lesson has
no such input to hand it), which would draw from the random generators (dropout) and move a BatchNorm's running
statistics mid-run, so a run would no longer be the run it would have been, nor resume exactly; and it would be
a new dependency (not installed here) for what is a sum of ``numel()`` and a hook per layer.

Neither torch nor numpy is imported here (the app imports this module on its start-up path).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

OUTPUTS = 4  # tensors of one layer's output whose shapes are kept (an LSTM's output, h and c)


@dataclass(frozen=True, slots=True)
class Layer:
    path: str  # "conv1", "blocks.0.attn"; the watched name for a whole model ("" for the first one watched)
    name: str  # the last part of the path: what the tree shows
    depth: int  # 0 for a watched model, 1 for its layers, ...
    type_name: str  # "Conv2d"
    params: int  # its parameters, its sublayers' included (shared ones once)
    trainable: int  # of which require grad
    outputs: tuple[tuple[int, ...], ...] | None = (
        None  # its output tensors' shapes at the last forward (None: none seen)
    )


@dataclass(frozen=True, slots=True)
class ModelSummary:
    layers: tuple[Layer, ...]  # depth first, as ``named_modules`` walks them
    total: int  # every parameter of the watched models, each once
    trainable: int
    hooked: bool = True  # output shapes are being noted (False: a summary taken without hooks)

    @property
    def frozen(self) -> int:
        return self.total - self.trainable


def modules_of(watched: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """The watched ``nn.Module``s, by their watched names (tensors and arrays left out)."""
    torch = sys.modules.get("torch")
    if torch is None:
        return []
    return [(name, obj) for name, obj in watched.items() if isinstance(obj, torch.nn.Module)]


class OutputShapes:
    """Forward hooks that note the shapes of each layer's output, on the watched models while the Model tab is
    visible. They are one-shot: ``follow`` (at each frame, in the training thread) arms every layer of each model,
    and the model's own hook, which runs after its layers', notes its output and takes them all off again. So a
    model's next forward pass after a frame is noted (stepping while paused: the step's own forward pass), and the
    forward passes between two frames of a running model pay nothing: a hook makes ``nn.Module.__call__`` take its
    slow path, about 10 µs a layer, at every step."""

    def __init__(self) -> None:
        self.shapes: dict[int, tuple[tuple[int, ...], ...]] = {}  # id(layer) -> its output's shapes
        self.noting = True  # False while a picture runs layers of its own (a conv's feature maps of one digit)
        self._models: tuple[Any, ...] = ()  # the models followed (held, so that their ids stay theirs)
        self._armed: dict[int, list[Any]] = {}  # id(model) -> the handles of its hooks, until its next forward pass

    @property
    def following(self) -> bool:
        return bool(self._models)

    @property
    def armed(self) -> bool:
        return bool(self._armed)

    def follow(self, watched: Mapping[str, Any]) -> None:
        """Arm the hooks of ``watched``'s models (a reset brings new ones) for their next forward pass."""
        models = tuple(module for _, module in modules_of(watched))
        if len(models) != len(self._models) or not all(a is b for a, b in zip(models, self._models)):
            self.remove()
            self._models = models
        for model in models:
            if id(model) not in self._armed:
                handles = [layer.register_forward_hook(self._note) for layer in model.modules() if layer is not model]
                handles.append(model.register_forward_hook(self._done))  # (runs after its layers' hooks)
                self._armed[id(model)] = handles

    def remove(self) -> None:
        """Take the hooks off and forget the shapes (nobody looks): the forward pass is the lesson's own again."""
        for handles in self._armed.values():
            for handle in handles:
                handle.remove()
        self._armed, self._models = {}, ()
        self.shapes.clear()

    def _note(self, layer: Any, args: Any, output: Any) -> None:
        if self.noting:
            self.shapes[id(layer)] = tuple(_shapes(output))

    def _done(self, model: Any, args: Any, output: Any) -> None:
        if self.noting:
            self.shapes[id(model)] = tuple(_shapes(output))
            for handle in self._armed.pop(id(model), ()):
                handle.remove()


def _shapes(output: Any, depth: int = 0) -> Iterator[tuple[int, ...]]:
    """The shapes of the tensors in a layer's output (a tensor, or a tuple, list or dict holding some)."""
    shape = getattr(output, "shape", None)
    if shape is not None and hasattr(output, "dtype"):
        yield tuple(shape)
        return
    if depth > 2:
        return
    items = output.values() if isinstance(output, dict) else output if isinstance(output, (tuple, list)) else ()
    count = 0
    for item in items:
        for found in _shapes(item, depth + 1):
            if count == OUTPUTS:
                return
            count += 1
            yield found


def summarize(watched: Mapping[str, Any], shapes: OutputShapes | None = None) -> ModelSummary:
    """The watched models' layers, their parameter counts and (with ``shapes`` hooked) output shapes."""
    noted = shapes.shapes if shapes is not None else {}
    layers: list[Layer] = []
    everything: dict[int, Any] = {}
    for watched_name, model in modules_of(watched):
        for path, layer in model.named_modules():
            params = {id(p): p for p in layer.parameters()}
            if not path:
                everything.update(params)
            full = f"{watched_name}.{path}" if watched_name and path else path or watched_name
            layers.append(
                Layer(
                    path=full,
                    name=path.rsplit(".", 1)[-1] if path else watched_name,
                    depth=path.count(".") + 1 if path else 0,
                    type_name=type(layer).__name__,
                    params=sum(p.numel() for p in params.values()),
                    trainable=sum(p.numel() for p in params.values() if p.requires_grad),
                    outputs=noted.get(id(layer)),
                )
            )
    total = sum(p.numel() for p in everything.values())
    trainable = sum(p.numel() for p in everything.values() if p.requires_grad)
    return ModelSummary(tuple(layers), total, trainable, hooked=shapes is not None and shapes.following)
