"""The answer scorer: a logistic model over ``features.NAMES``, read from a plain JSON file.

The file is written by ``bronwijs fit`` (``assistant/ask/fit.py``) and holds the feature names,
their standardisation, the coefficients, the decline threshold and the extra-sentence ratio chosen
by document-grouped cross-validation, and the figures of that cross-validation. It is data: loading
it runs no code (no pickle).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assistant.ask.features import NAMES
from assistant.errors import ConfigError
from assistant.logistic import (
    params_from_dict,
    params_to_dict,
    probabilities,
    read_model_file,
    write_model_file,
)

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
    window: tuple[int, int] = (0, 0)  # sentences before and after the chosen one that are quoted with it
    # (slope, intercept) on the logit of the best sentence's probability: the chance that the answer
    # is right, fitted on out-of-fold answers by `bronwijs fit`; None in an older model file
    calibration: tuple[float, float] | None = None

    def confidence(self, p: float) -> float | None:
        """The calibrated chance that an answer whose best sentence has probability ``p`` is right."""
        if self.calibration is None:
            return None
        slope, intercept = self.calibration
        q = min(max(float(p), 1e-6), 1 - 1e-6)
        z = slope * math.log(q / (1 - q)) + intercept
        return 1.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0)))

    def predict(self, x: np.ndarray) -> np.ndarray:
        if x.shape[1] != len(self.names):
            raise ConfigError(f"answer model expects {len(self.names)} features, got {x.shape[1]}")
        return probabilities(x, self.mean, self.scale, self.coef, self.intercept)

    def to_dict(self) -> dict[str, Any]:
        return {
            **params_to_dict(self.names, self.mean, self.scale, self.coef, self.intercept),
            "decline_threshold": round(float(self.decline_threshold), 6),
            "extra_ratio": round(float(self.extra_ratio), 6),
            "window": list(self.window),
            **(
                {"calibration": {"slope": round(self.calibration[0], 6), "intercept": round(self.calibration[1], 6)}}
                if self.calibration is not None
                else {}
            ),
            "info": self.info,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any], source: str = "answer model") -> AnswerScorer:
        def check(names: tuple[str, ...]) -> None:
            if names != NAMES:
                missing = sorted(set(NAMES) - set(names))
                extra = sorted(set(names) - set(NAMES))
                raise ConfigError(
                    f"{source} was fitted on other features (missing {missing}, unknown {extra}); "
                    "re-fit it: bronwijs fit --gold dev=... --gold train=..."
                )

        names, (mean, scale, coef, intercept) = params_from_dict(d, source, check, what="answer ")
        cal = d.get("calibration")
        try:
            calibration = (float(cal["slope"]), float(cal["intercept"])) if cal is not None else None
        except (TypeError, KeyError, ValueError) as e:
            raise ConfigError(f"{source}: damaged calibration {cal!r}; re-fit it: bronwijs fit ...") from e
        return cls(
            names,
            mean,
            scale,
            coef,
            intercept,
            float(d["decline_threshold"]),
            float(d.get("extra_ratio", 1.0)),
            dict(d.get("info", {})),
            tuple(int(v) for v in d.get("window", (0, 0))),  # type: ignore[arg-type]
            calibration,
        )

    def save(self, path: Path) -> None:
        write_model_file(path, self.to_dict())


@functools.lru_cache(maxsize=4)
def load_scorer(path: str | None = None) -> AnswerScorer:
    """The fitted model (the packaged one unless ``path`` names another)."""
    p = Path(path) if path else MODEL_FILE
    data = read_model_file(p, "answer model", "bronwijs fit --gold dev=... --gold train=...")
    return AnswerScorer.from_dict(data, str(p))
