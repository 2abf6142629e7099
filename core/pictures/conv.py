"""The first convolution of a CNN as plain data (view "filters", ``tui/views/filters.py``): its filters, and
the feature maps it makes of one digit (the first one the digit viewer shows).

The maps are what the network passes on: relu(max-pool 2(conv(image))), computed from the current
weights in one small forward pass (one image) at the yield point.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from core.base.i18n import pick
from core.base.view_data import FiltersData, ViewError


def first_conv(model: torch.nn.Module) -> tuple[str, torch.nn.Conv2d] | None:
    """The first Conv2d the model registers (``conv1`` in the course's networks), with its name."""
    for name, module in model.named_modules():
        if isinstance(module, torch.nn.Conv2d):
            return name, module
    return None


def no_model() -> FiltersData:
    """The view's data before the lesson builds its model (drawn as "No model yet.")."""
    return {
        "layer": "",
        "shape": [],
        "filters": [],
        "filter_scale": 0.0,
        "maps": [],
        "map_scale": [],
        "label": None,
        "image": None,
    }


def _rounded(rows: torch.Tensor) -> list:
    return (rows * 1000).round().div(1000).tolist()


def conv_filters(
    model: torch.nn.Module, image: torch.Tensor | None, label: int | None, pixels: list | None = None
) -> FiltersData | ViewError:
    """``image``: one normalised input (1 x H x W) or None; ``pixels``: its grey levels for the picture."""
    found = first_conv(model)
    if found is None:
        return {"error": pick("this model has no Conv2d layer", "这个模型没有 Conv2d 层")}
    name, conv = found
    weight = conv.weight.detach()  # out x in x k x k
    filters = weight[:, 0] if weight.shape[1] == 1 else weight.mean(dim=1)
    result: FiltersData = {
        "layer": name,
        "shape": list(weight.shape),
        "filters": _rounded(filters.cpu()),
        "filter_scale": round(float(filters.abs().max()), 4),
        "maps": [],
        "map_scale": [],
        "label": label,
        "image": pixels,
    }
    if image is not None:
        with torch.no_grad():
            maps = F.relu(F.max_pool2d(conv(image.unsqueeze(0)), 2))[0].cpu()  # out x H' x W'
        result["maps"] = _rounded(maps)
        result["map_scale"] = [round(float(m.max()), 4) for m in maps]
    return result
