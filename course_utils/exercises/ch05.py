"""Checkers of the chapter 05 exercises: the four layer examples and the rescaling loophole."""

from __future__ import annotations

import math

import keras
import numpy as np
from numpy.typing import NDArray

from course_utils._validation import built_model
from course_utils.exercises.feedback import NOT_ANSWERED, Feedback, close, number
from course_utils.penalties import regularizer_strengths

#: The weights of a layer that a ``<name>_regularizer`` can cover.
_WEIGHTS = ("kernel", "bias")


def _array(variable: object) -> NDArray[np.float64]:
    """Return a Keras variable's values as a float64 NumPy array."""
    return np.asarray(variable, dtype=np.float64)


def _penalty_of(layer: keras.layers.Layer, name: str) -> float:
    """Return the penalty of weight ``name`` of ``layer`` as Keras computes it (0 without a regularizer)."""
    regularizer, variable = getattr(layer, f"{name}_regularizer", None), getattr(layer, name, None)
    if regularizer is None or variable is None:
        return 0.0
    return float(keras.ops.convert_to_numpy(regularizer(variable)))


def _regularized_layer(layer: object) -> keras.layers.Layer:
    """Return ``layer`` if it is a built Keras layer with at least one weight regularizer."""
    if not isinstance(layer, keras.layers.Layer):
        raise TypeError(f"layer must be a keras layer, got {type(layer).__name__}")
    if not layer.built:
        raise ValueError("layer is not built: put it in a model with a keras.Input first")
    if not any(
        getattr(layer, f"{name}_regularizer", None) is not None and getattr(layer, name, None) is not None
        for name in _WEIGHTS
    ):
        raise ValueError("layer has no kernel_regularizer or bias_regularizer: it adds no penalty")
    return layer


def _wrong_penalty_hint(value: float, layer: keras.layers.Layer) -> str | None:
    """Name the usual slip that gives ``value`` for the kernel penalty of ``layer``, if one does."""
    regularizer = getattr(layer, "kernel_regularizer", None)
    kernel = getattr(layer, "kernel", None)
    if regularizer is None or kernel is None:
        return None
    try:
        l1, l2 = regularizer_strengths(regularizer)
    except TypeError:  # a custom regularizer: no formula to compare slips with
        return None
    w = _array(kernel)
    l1_part, l2_part = l1 * float(np.abs(w).sum()), l2 * float(np.square(w).sum())
    rest = _penalty_of(layer, "bias")
    slips = []
    if l1 > 0 and l2 > 0:
        slips += [
            (l1_part + rest, "That is only the L1 part. The regularizer has an L2 part as well."),
            (l2_part + rest, "That is only the L2 part. The regularizer has an L1 part as well."),
        ]
    if l2 > 0:
        slips += [
            (l1_part + 0.5 * l2_part + rest, "Your L2 part has a factor 1/2. Does Keras's L2 have one?"),
            (
                l1_part + l2 * float(np.sqrt(np.square(w).sum())) + rest,
                "Keras's L2 uses the squared norm, not the norm itself.",
            ),
        ]
    if l1 > 0:
        slips.append(
            (
                l1 * float(w.sum()) + l2_part + rest,
                "The L1 part must not let positive and negative weights cancel out.",
            )
        )
    slips.append(
        (
            (float(np.abs(w).sum()) if l1 > 0 else 0.0)
            + (float(np.square(w).sum()) if l2 > 0 else 0.0)
            + rest,
            "Each sum must be multiplied by its strength λ.",
        )
    )
    bias = getattr(layer, "bias", None)
    if getattr(layer, "bias_regularizer", None) is None and bias is not None:
        b = _array(bias)
        with_bias = l1_part + l2_part + l1 * float(np.abs(b).sum()) + l2 * float(np.square(b).sum())
        slips.append(
            (with_bias, "You penalized the bias too. Which weights does this layer's regularizer cover?")
        )
    for slip, hint in slips:
        if close(value, slip):
            return hint
    return None


def check_layer_penalty(answer: float | None, layer: keras.layers.Layer) -> Feedback:
    """Chapter 05: the penalty that ``layer`` adds to the loss with its current weights, worked out by hand.

    The expected value is the sum of the layer's kernel and bias penalties, ``sum(layer.losses)``
    for a layer without an activity regularizer.

    Raises:
        TypeError: if ``answer`` is not a number, or ``layer`` is not a Keras layer.
        ValueError: if ``layer`` is not built or has no kernel or bias regularizer.
    """
    _regularized_layer(layer)
    if answer is None:
        return NOT_ANSWERED
    value = number(answer)
    expected = sum(_penalty_of(layer, name) for name in _WEIGHTS)
    if close(value, expected):
        return Feedback(True, "Right: your NumPy sum is exactly what Keras adds to this layer's loss.")
    if not math.isfinite(value):
        return Feedback(False, "Your answer is not a finite number. Did a sum overflow, or divide by zero?")
    if value < 0:
        return Feedback(False, "A penalty sums |w| and w² times strengths λ ≥ 0: it is never negative.")
    hint = _wrong_penalty_hint(value, layer)
    if hint is not None:
        return Feedback(False, hint)
    return Feedback(
        False,
        "Not quite. Read the strengths from the layer's regularizer, then sum λ1·|w| + λ2·w² over every "
        "entry of each weight that has a regularizer.",
    )


#: The rescalings that :func:`check_loophole_closed` tries: the conv layer times a, the next one over a.
_SCALES = (0.5, 0.7, 0.85, 1.2, 1.4, 2.0)
#: By how much (as a fraction) a rescaling may still lower the penalty of a model that is "closed".
_SLACK = 0.02


_WEAK = 1e-3  # an output λ below this cannot balance example 4's L1L2(0.02, 0.05) in a short run


def _example_4_conv(layers: list[keras.layers.Layer]) -> keras.layers.Conv2D | None:
    """Return the model's Conv2D layer if it is example 4 as written, else None."""
    convs = [layer for layer in layers if isinstance(layer, keras.layers.Conv2D)]
    if len(convs) != 1:
        return None
    conv = convs[0]
    regularizer = conv.kernel_regularizer
    if conv.filters != 32 or tuple(conv.kernel_size) != (3, 3) or regularizer is None:
        return None
    try:
        strengths = regularizer_strengths(regularizer)
    except TypeError:
        return None
    return conv if np.allclose(strengths, (0.02, 0.05)) else None


def _penalty_after_rescaling(
    model: keras.Model, conv: keras.layers.Conv2D, output: keras.layers.Layer, scale: float
) -> float:
    """Return the penalty with the conv kernel and bias times ``scale`` and the output kernel over it."""
    saved = [variable.numpy() for variable in (conv.kernel, conv.bias, output.kernel)]
    try:
        conv.kernel.assign(saved[0] * scale)
        conv.bias.assign(saved[1] * scale)
        output.kernel.assign(saved[2] / scale)
        return float(sum(float(keras.ops.convert_to_numpy(loss)) for loss in model.losses))
    finally:
        for variable, value in zip((conv.kernel, conv.bias, output.kernel), saved, strict=True):
            variable.assign(value)


def check_loophole_closed(model: keras.Model | None) -> Feedback:
    """Chapter 05: a trained example-4 model whose penalty can no longer be dodged by rescaling.

    The model must keep example 4's ``Conv2D`` layer as Pramoditha (2022) writes it, followed
    (after ``Flatten``) by one output layer with a kernel. Scaling the conv kernel and bias by
    ``a > 0`` and the output kernel by ``1/a`` leaves the predictions unchanged (the conv layer is
    linear, or ReLU, which is positively homogeneous). The check passes when no such rescaling
    lowers the penalty by more than 2 %: the model has been trained to the point where the penalty
    sticks.

    Raises:
        TypeError: if ``model`` is not a ``keras.Model``.
        ValueError: if ``model`` is not built.
    """
    if model is None:
        return NOT_ANSWERED
    built_model(model, "model")
    layers = list(model.layers)
    conv = _example_4_conv(layers)
    if conv is None:
        return Feedback(
            False,
            "Keep example 4's Conv2D exactly as written, and only one Conv2D.",
        )
    after = [
        layer for layer in layers[layers.index(conv) + 1 :] if getattr(layer, "kernel", None) is not None
    ]
    if len(after) != 1:
        return Feedback(False, "After the Conv2D and its Flatten: one output layer, no more.")
    output = after[0]
    activation = getattr(conv, "activation", None)
    if activation not in (keras.activations.linear, keras.activations.relu):
        return Feedback(
            False,
            "Keep the conv layer linear (as written) or ReLU: others do not rescale.",
        )
    if getattr(output, "kernel_regularizer", None) is None:
        return Feedback(
            False,
            "The output layer has no kernel_regularizer: rescaling is still free.",
        )
    penalty = _penalty_after_rescaling(model, conv, output, 1.0)
    lowest = min(_penalty_after_rescaling(model, conv, output, scale) for scale in _SCALES)
    if lowest < (1 - _SLACK) * penalty:
        gain = 1 - lowest / penalty
        if sum(regularizer_strengths(output.kernel_regularizer)) < _WEAK:
            return Feedback(
                False,
                f"A rescaling still lowers the penalty by {gain:.0%}: the output λ is too weak.",
            )
        return Feedback(
            False,
            f"A rescaling still lowers the penalty by {gain:.0%}: trained long enough?",
        )
    return Feedback(True, "Right: no rescaling lowers the penalty any more; the penalty sticks.")
