"""Checkers of the chapter 07 exercises: dropout."""

from __future__ import annotations
