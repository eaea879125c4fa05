"""Checkers of the chapter 06 exercises: the special facts."""

from __future__ import annotations
