"""lossland in Jupyter: the Optimization lecture of CS231n on your own NumPy arrays, with your own
loss function stepped and checked coordinate by coordinate.

Arrays in the assignment's layout: X (N, D) floats, y (N,) integer labels in 0..C-1, W (D + 1, C)
with the bias row last. If X already ends in a column of ones (the bias trick), lossland
recognises it (every value exactly 1.0) and does not count it as a feature. Your arrays are never
modified. Bad input raises :class:`LosslandError` (a ValueError and a TypeError) naming the argument.
"""

from ._arrays import LosslandError
from ._reference import softmax_loss, svm_loss
from ._version import __version__
from .widgets import GradientCheck, GradientStepper, Landscape, LosslandWidget, Notebook, Optimizer

__all__ = ["Notebook", "Landscape", "GradientStepper", "GradientCheck", "Optimizer", "LosslandWidget",
           "LosslandError", "svm_loss", "softmax_loss", "__version__"]
