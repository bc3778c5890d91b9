"""Supervision reviews: the Reviews section, one review open read-only, agreement, cards."""
