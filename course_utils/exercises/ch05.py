"""Checkers of the chapter 05 exercises: the four layer examples."""

from __future__ import annotations
