"""The one logistic model of the project: standardised named features, a plain-JSON file, no pickle.

The answer scorer (``assistant/ask/scorer.py``) and the learned deadline decision
(``assistant/extract/deadline_clf.py``) are both p = sigmoid(coef · (x − mean) / scale + intercept),
fitted by scikit-learn on the standardised features and stored as JSON numbers. This module holds
what they share: fitting, predicting, writing and reading the arrays, and reading the file with
clear errors. Each model adds its own settings (thresholds, window) around it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from assistant.errors import ConfigError

Params = tuple[np.ndarray, np.ndarray, np.ndarray, float]  # mean, scale, coef, intercept


def fit_standardised(x: np.ndarray, y: np.ndarray, c_reg: float, max_iter: int = 5000) -> Params:
    """Logistic regression (scikit-learn) on features standardised by their mean and spread."""
    from sklearn.linear_model import LogisticRegression

    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=c_reg, max_iter=max_iter)
    model.fit((x - mean) / scale, y)
    return mean, scale, model.coef_[0].copy(), float(model.intercept_[0])


def probabilities(x: np.ndarray, mean: np.ndarray, scale: np.ndarray, coef: np.ndarray, intercept: float) -> np.ndarray:
    z = ((x - mean) / scale) @ coef + intercept
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


def params_to_dict(names: tuple[str, ...], mean: np.ndarray, scale: np.ndarray, coef: np.ndarray, intercept: float) -> dict[str, Any]:
    return {
        "kind": "logistic",
        "features": list(names),
        "mean": [round(float(v), 8) for v in mean],
        "scale": [round(float(v), 8) for v in scale],
        "coef": [round(float(v), 8) for v in coef],
        "intercept": round(float(intercept), 8),
    }


def params_from_dict(
    d: dict[str, Any], source: str, check_names: Callable[[tuple[str, ...]], None], what: str = ""
) -> tuple[tuple[str, ...], Params]:
    """The feature names (``check_names`` raises for names this code does not measure) and the
    checked arrays of a model dict (a spread of 0 reads as 1)."""
    if d.get("kind") != "logistic":
        raise ConfigError(f"{source}: not a logistic {what}model (kind={d.get('kind')!r})")
    names = tuple(d["features"])
    check_names(names)
    arr = {k: np.asarray(d[k], dtype=np.float64) for k in ("mean", "scale", "coef")}
    if any(a.shape != (len(names),) or not np.all(np.isfinite(a)) for a in arr.values()):
        raise ConfigError(f"{source}: mean/scale/coef must be {len(names)} finite numbers each")
    scale = np.where(arr["scale"] > 0, arr["scale"], 1.0)
    return names, (arr["mean"], scale, arr["coef"], float(d["intercept"]))


def read_model_file(path: Path, label: str, fit_hint: str) -> dict[str, Any]:
    """A model file's JSON, or a ConfigError saying it is missing (and how to fit one) or broken."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{label} {path} is missing; fit one: {fit_hint}") from None
    except json.JSONDecodeError as e:
        raise ConfigError(f"{label} {path} is not valid JSON: {e}") from None


def write_model_file(path: Path, data: dict[str, Any]) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
