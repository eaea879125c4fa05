"""Argument checks shared by the public functions, each naming the argument it rejects."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import keras
import numpy as np
from numpy.typing import NDArray


def non_negative_float(value: object, name: str) -> float:
    """Return ``value`` as a float, or raise if it is not a finite number >= 0."""
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{name} must be finite, got {number}")
    if number < 0:
        raise ValueError(f"{name} must be non-negative, got {number}")
    return number


def positive_float(value: object, name: str) -> float:
    """Return ``value`` as a float, or raise if it is not a finite number > 0."""
    number = non_negative_float(value, name)
    if number == 0:
        raise ValueError(f"{name} must be positive, got 0")
    return number


def positive_int(value: object, name: str, minimum: int = 1) -> int:
    """Return ``value`` if it is an int >= ``minimum``, or raise naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    return int(value)


def fraction(value: object, name: str, *, allow_zero: bool = True) -> float:
    """Return ``value`` if it lies in [0, 1) (or (0, 1) when ``allow_zero`` is false)."""
    number = non_negative_float(value, name)
    if number >= 1 or (number == 0 and not allow_zero):
        low = "0 <=" if allow_zero else "0 <"
        raise ValueError(f"{name} must satisfy {low} {name} < 1, got {number}")
    return number


def float_array(value: object, name: str) -> NDArray[np.float64]:
    """Return ``value`` as a non-empty float64 array of finite numbers."""
    if value is None:
        raise TypeError(f"{name} must be array-like of numbers, got None")
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise TypeError(f"{name} must be array-like of numbers, got {type(value).__name__}") from error
    if array.size == 0:
        raise ValueError(f"{name} must not be empty")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must contain only finite numbers")
    return array


def one_of(value: object, name: str, choices: Iterable[Any]) -> Any:
    """Return ``value`` if it is one of ``choices``, or raise listing them."""
    options = list(choices)
    if not isinstance(value, str | int | float | type(None)):
        raise TypeError(f"{name} must be one of {options!r}; got a {type(value).__name__}")
    if value not in options:
        listed = ", ".join(repr(option) for option in options)
        raise ValueError(f"{name} must be one of {listed}; got {value!r}")
    return value


def built_model(value: object, name: str) -> keras.Model:
    """Return ``value`` if it is a built ``keras.Model``; raise a TypeError or ValueError naming ``name``."""
    if not isinstance(value, keras.Model):
        raise TypeError(f"{name} must be a keras.Model, got {type(value).__name__}")
    if not value.built:
        raise ValueError(f"{name} is not built: give it a keras.Input or call it on data first")
    return value
