"""The watched modules, tensors and numpy arrays of a run, to and from a checkpoint (torch inside the functions)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.checkpoint.schema import check_optimizer_fits
from core.errors import CheckpointError


def watched_state(obj: Any) -> dict:
    """One watched module, tensor or numpy array (as a tensor), with its gradients, for a checkpoint."""
    import numpy as np
    import torch

    if hasattr(obj, "state_dict"):
        grads = {n: p.grad.detach().cpu().clone() for n, p in obj.named_parameters() if p.grad is not None}
        return {"kind": "module", "state": obj.state_dict(), "grads": grads}
    if hasattr(obj, "detach"):
        grad = obj.grad.detach().cpu().clone() if obj.grad is not None else None
        return {"kind": "tensor", "value": obj.detach().cpu().clone(), "grad": grad}
    return {"kind": "array", "value": torch.from_numpy(np.array(obj, copy=True))}  # restored into the array


def restore_watched(run: Any, state: Mapping[str, Any]) -> None:
    """Load saved values into the lesson's freshly built tensors (called by ``Run.watch``)."""
    import numpy as np
    import torch

    saved = state["watched"]
    if set(saved) != set(run.watched):
        raise CheckpointError(
            f"checkpoint holds {sorted(saved)} but the lesson watches {sorted(run.watched)}; "
            "was it saved with other options?"
        )
    if len(state["optimizers"]) != len(run.optimizers):
        raise CheckpointError(
            f"checkpoint holds {len(state['optimizers'])} optimizers but the lesson has "
            f"{len(run.optimizers)}; was it saved with other options?"
        )
    for index, (optimizer, opt_state) in enumerate(zip(run.optimizers, state["optimizers"])):
        check_optimizer_fits(optimizer, opt_state, index)
    try:
        for name, obj in run.watched.items():
            entry = saved[name]
            kind = "module" if hasattr(obj, "state_dict") else "tensor" if hasattr(obj, "detach") else "array"
            if entry["kind"] != kind:
                raise ValueError(f"{name or 'the model'} was saved as a {entry['kind']}, the lesson has a {kind}")
            if kind == "module":
                obj.load_state_dict(entry["state"])
                for pname, param in obj.named_parameters():
                    grad = entry["grads"].get(pname)
                    if grad is not None and grad.shape != param.shape:
                        raise ValueError(
                            f"the gradient of {pname} has shape {tuple(grad.shape)}, not {tuple(param.shape)}"
                        )
                    param.grad = grad.to(param.device) if grad is not None else None
            else:
                value = entry["value"]
                if tuple(value.shape) != tuple(obj.shape):
                    raise ValueError(f"{name} has shape {tuple(value.shape)}, not {tuple(obj.shape)}")
                if kind == "tensor":
                    with torch.no_grad():
                        obj.copy_(value)
                    grad = entry["grad"]
                    obj.grad = grad.to(obj.device) if grad is not None and grad.shape == obj.shape else None
                else:
                    np.copyto(obj, value.numpy())
        for optimizer, opt_state in zip(run.optimizers, state["optimizers"]):
            optimizer.load_state_dict(opt_state)
    except (RuntimeError, ValueError, KeyError, TypeError) as exc:
        detail = " ".join(str(exc).split())  # load_state_dict's message runs over several lines
        detail = detail if len(detail) <= 200 else detail[:199] + "…"
        raise CheckpointError(
            f"checkpoint does not fit this lesson's model ({detail}); was it saved with other options?"
        ) from exc
