"""Checkers of the chapter 03 exercises: L1 versus L2."""

from __future__ import annotations
