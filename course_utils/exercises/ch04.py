"""Checkers of the chapter 04 exercises: the Keras API."""

from __future__ import annotations
