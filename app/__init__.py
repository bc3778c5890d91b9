"""Crucible: an encrypted workbench for couples therapists running two-day intensives."""

__version__ = "0.1.0"
