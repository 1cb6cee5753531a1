"""Predict, then see (issue 13): the widgets' `predict` argument reaches the front end as the shared
setting of the options table (www/js/lib/options.js row `predict`), checked by its rule."""

import numpy as np
import pytest

import lossland
from lossland import LosslandError


@pytest.fixture
def arrays():
    rng = np.random.default_rng(3)
    X = rng.standard_normal((12, 3))
    y = np.arange(12) % 3
    W = 0.01 * rng.standard_normal((4, 3))
    return X, y, W


def test_predict_is_on_by_default_and_can_be_turned_off(arrays):
    X, y, W = arrays
    for make in (lambda **k: lossland.Notebook(X, y, W, **k),
                 lambda **k: lossland.Optimizer(X, y, W, **k),
                 lambda **k: lossland.Landscape(X, y, W, **k)):
        assert make().widget.settings["predict"] is True
        assert make(predict=False).widget.settings["predict"] is False


def test_predict_must_be_a_bool(arrays):
    X, y, W = arrays
    with pytest.raises(LosslandError) as e:
        lossland.Notebook(X, y, W, predict="off")
    msg = str(e.value)
    assert msg.startswith("predict") and "True or False" in msg, msg
