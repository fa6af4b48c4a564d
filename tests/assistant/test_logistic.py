"""assistant/logistic.py: the shared logistic model — fit, predict, JSON round trip, clear errors."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.errors import ConfigError
from assistant.logistic import (
    fit_standardised,
    params_from_dict,
    params_to_dict,
    probabilities,
    read_model_file,
    write_model_file,
)


def test_a_fitted_model_ranks_by_its_feature_and_survives_a_json_round_trip(tmp_path):
    x = np.array([[0.0, 1.0], [1.0, 1.0], [2.0, 1.0], [3.0, 1.0], [4.0, 1.0], [5.0, 1.0]])
    y = np.array([False, False, False, True, True, True])
    params = fit_standardised(x, y, 1.0)
    assert params[1][1] == 1.0  # a constant feature's spread of 0 is read as 1
    p = probabilities(x, *params)
    assert np.all(np.diff(p) > 0) and p[0] < 0.5 < p[-1]
    path = tmp_path / "m.json"
    write_model_file(path, params_to_dict(("a", "b"), *params))
    names, back = params_from_dict(read_model_file(path, "model", "fit it"), str(path), lambda n: None)
    assert names == ("a", "b")
    assert np.allclose(probabilities(x, *back), p, atol=1e-6)


def test_bad_files_and_dicts_are_refused_with_what_to_do(tmp_path):
    with pytest.raises(ConfigError, match="missing; fit one: run the fit"):
        read_model_file(tmp_path / "none.json", "model", "run the fit")
    (tmp_path / "bad.json").write_text("{", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid JSON"):
        read_model_file(tmp_path / "bad.json", "model", "run the fit")
    good = params_to_dict(("a",), np.zeros(1), np.ones(1), np.ones(1), 0.0)
    with pytest.raises(ConfigError, match="not a logistic"):
        params_from_dict({**good, "kind": "tree"}, "m", lambda n: None)
    with pytest.raises(ConfigError, match="finite numbers"):
        params_from_dict({**good, "coef": [float("nan")]}, "m", lambda n: None)

    def refuse(names):
        raise ConfigError(f"unknown features {names}")

    with pytest.raises(ConfigError, match="unknown features"):
        params_from_dict(good, "m", refuse)
