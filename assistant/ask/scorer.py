"""The answer scorer: a logistic model over ``features.NAMES``, read from a plain JSON file.

The file is written by ``bronwijs fit`` (``assistant/ask/fit.py``) and holds the feature names,
their standardisation, the coefficients, the decline threshold and the extra-sentence ratio chosen
by document-grouped cross-validation, and the figures of that cross-validation. It is data: loading
it runs no code (no pickle).
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assistant.ask.features import NAMES
from assistant.errors import ConfigError

MODEL_FILE = Path(__file__).with_name("answer_model.json")


@dataclass(frozen=True)
class AnswerScorer:
    """p(sentence answers the question) = sigmoid(coef · standardised features + intercept)."""

    names: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    decline_threshold: float  # decline when the best sentence's probability is below this
    extra_ratio: float  # another sentence joins the answer when its probability is at least this share of the best's
    info: dict[str, Any]

    def predict(self, x: np.ndarray) -> np.ndarray:
        if x.shape[1] != len(self.names):
            raise ConfigError(f"answer model expects {len(self.names)} features, got {x.shape[1]}")
        z = ((x - self.mean) / self.scale) @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": "logistic",
            "features": list(self.names),
            "mean": [round(float(v), 8) for v in self.mean],
            "scale": [round(float(v), 8) for v in self.scale],
            "coef": [round(float(v), 8) for v in self.coef],
            "intercept": round(float(self.intercept), 8),
            "decline_threshold": round(float(self.decline_threshold), 6),
            "extra_ratio": round(float(self.extra_ratio), 6),
            "info": self.info,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any], source: str = "answer model") -> AnswerScorer:
        if d.get("kind") != "logistic":
            raise ConfigError(f"{source}: not a logistic answer model (kind={d.get('kind')!r})")
        names = tuple(d["features"])
        if names != NAMES:
            missing = sorted(set(NAMES) - set(names))
            extra = sorted(set(names) - set(NAMES))
            raise ConfigError(
                f"{source} was fitted on other features (missing {missing}, unknown {extra}); "
                "re-fit it: bronwijs fit --gold dev=... --gold train=..."
            )
        arr = {k: np.asarray(d[k], dtype=np.float64) for k in ("mean", "scale", "coef")}
        if any(a.shape != (len(names),) or not np.all(np.isfinite(a)) for a in arr.values()):
            raise ConfigError(f"{source}: mean/scale/coef must be {len(names)} finite numbers each")
        return cls(
            names,
            arr["mean"],
            np.where(arr["scale"] > 0, arr["scale"], 1.0),
            arr["coef"],
            float(d["intercept"]),
            float(d["decline_threshold"]),
            float(d.get("extra_ratio", 1.0)),
            dict(d.get("info", {})),
        )

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_dict(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


@functools.lru_cache(maxsize=4)
def load_scorer(path: str | None = None) -> AnswerScorer:
    """The fitted model (the packaged one unless ``path`` names another)."""
    p = Path(path) if path else MODEL_FILE
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"answer model {p} is missing; fit one: bronwijs fit --gold dev=... --gold train=...") from None
    except json.JSONDecodeError as e:
        raise ConfigError(f"answer model {p} is not valid JSON: {e}") from None
    return AnswerScorer.from_dict(data, str(p))
