"""Small model builders that take regularizers and dropout (chapter 01).

Every builder seeds its initializers, so two models built with the same ``seed`` start from the
same weights: a regularized model and its unregularized twin differ only by the penalty.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeAlias

import keras

from course_utils._validation import fraction, one_of, positive_int

RegularizerLike: TypeAlias = "keras.regularizers.Regularizer | str | None"


def _regularizer(value: RegularizerLike, name: str) -> keras.regularizers.Regularizer | None:
    if value is None:
        return None
    if not isinstance(value, (keras.regularizers.Regularizer, str)):
        raise TypeError(f"{name} must be a keras Regularizer, a string identifier or None, got {value!r}")
    try:
        return keras.regularizers.get(value)
    except ValueError as error:
        raise ValueError(f"{name}: Keras does not know the regularizer {value!r}") from error


def build_mlp(
    input_dim: int,
    n_outputs: int,
    hidden: Sequence[int] = (64,),
    *,
    kernel_regularizer: RegularizerLike = None,
    bias_regularizer: RegularizerLike = None,
    dropout: float = 0.0,
    output_activation: str = "softmax",
    seed: int = 0,
    name: str = "mlp",
) -> keras.Sequential:
    """Build a ReLU multilayer perceptron, already built for inputs of ``input_dim`` features (chapter 01).

    Args:
        input_dim: number of input features.
        n_outputs: number of output units (classes, or 1 for regression).
        hidden: widths of the hidden ``Dense`` layers, in order.
        kernel_regularizer: put on the kernel of every ``Dense`` layer, the output layer included.
        bias_regularizer: put on the bias of every ``Dense`` layer.
        dropout: if above 0, a ``Dropout`` layer with this rate follows each hidden layer.
        output_activation: ``"softmax"`` for classification, ``"linear"`` for regression.
        seed: seeds the weight initializers and the dropout masks.
        name: the model's name.

    Raises:
        TypeError/ValueError: naming the argument, for a bad size, rate, activation or regularizer.
    """
    positive_int(input_dim, "input_dim")
    positive_int(n_outputs, "n_outputs")
    if isinstance(hidden, str) or not isinstance(hidden, Sequence):
        raise TypeError(f"hidden must be a sequence of layer widths, got {hidden!r}")
    widths = [positive_int(width, "hidden[]") for width in hidden]
    rate = fraction(dropout, "dropout")
    one_of(output_activation, "output_activation", ("softmax", "linear", "sigmoid"))
    positive_int(seed, "seed", minimum=0)
    kernel = _regularizer(kernel_regularizer, "kernel_regularizer")
    bias = _regularizer(bias_regularizer, "bias_regularizer")

    layers: list[keras.layers.Layer] = [keras.Input((input_dim,))]
    for index, width in enumerate(widths):
        layers.append(
            keras.layers.Dense(
                width,
                activation="relu",
                kernel_initializer=keras.initializers.GlorotUniform(seed=seed + index),
                kernel_regularizer=kernel,
                bias_regularizer=bias,
                name=f"hidden_{index + 1}",
            )
        )
        if rate > 0:
            layers.append(keras.layers.Dropout(rate, seed=seed + 100 + index, name=f"dropout_{index + 1}"))
    layers.append(
        keras.layers.Dense(
            n_outputs,
            activation=output_activation,
            kernel_initializer=keras.initializers.GlorotUniform(seed=seed + len(widths)),
            kernel_regularizer=kernel,
            bias_regularizer=bias,
            name="output",
        )
    )
    return keras.Sequential(layers, name=name)


def build_cnn(
    input_shape: tuple[int, int, int] = (8, 8, 1),
    n_outputs: int = 10,
    filters: int = 32,
    kernel_size: int = 3,
    *,
    kernel_regularizer: RegularizerLike = None,
    bias_regularizer: RegularizerLike = None,
    dropout: float = 0.0,
    seed: int = 0,
    name: str = "cnn",
) -> keras.Sequential:
    """Build a small CNN: Conv2D (ReLU), Flatten, optional Dropout, Dense softmax (chapter 05).

    The regularizers go on both layers with weights, the ``Conv2D`` and the output ``Dense``.

    Raises:
        TypeError/ValueError: naming the argument, for a bad shape, size, rate or regularizer.
    """
    if not (isinstance(input_shape, Sequence) and len(input_shape) == 3) or isinstance(input_shape, str):
        raise TypeError(f"input_shape must be a (height, width, channels) tuple, got {input_shape!r}")
    input_shape = (
        positive_int(input_shape[0], "input_shape[]"),
        positive_int(input_shape[1], "input_shape[]"),
        positive_int(input_shape[2], "input_shape[]"),
    )
    positive_int(n_outputs, "n_outputs")
    positive_int(filters, "filters")
    positive_int(kernel_size, "kernel_size")
    if kernel_size > min(input_shape[:2]):
        raise ValueError(f"kernel_size must fit in the image {input_shape[:2]}, got {kernel_size}")
    rate = fraction(dropout, "dropout")
    positive_int(seed, "seed", minimum=0)
    kernel = _regularizer(kernel_regularizer, "kernel_regularizer")
    bias = _regularizer(bias_regularizer, "bias_regularizer")
    layers: list[keras.layers.Layer] = [
        keras.Input(input_shape),
        keras.layers.Conv2D(
            filters,
            (kernel_size, kernel_size),
            activation="relu",
            kernel_initializer=keras.initializers.GlorotUniform(seed=seed),
            kernel_regularizer=kernel,
            bias_regularizer=bias,
            name="conv",
        ),
        keras.layers.Flatten(name="flatten"),
    ]
    if rate > 0:
        layers.append(keras.layers.Dropout(rate, seed=seed + 100, name="dropout"))
    layers.append(
        keras.layers.Dense(
            n_outputs,
            activation="softmax",
            kernel_initializer=keras.initializers.GlorotUniform(seed=seed + 1),
            kernel_regularizer=kernel,
            bias_regularizer=bias,
            name="output",
        )
    )
    return keras.Sequential(layers, name=name)
