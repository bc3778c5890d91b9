"""Direct slot setters for frozen dataclasses built by the thousand.

A frozen dataclass's generated ``__init__`` sets each field through
``object.__setattr__`` (the class's own ``__setattr__`` refuses), about
0.25 us a field on CPython 3.11: an observation (twelve fields) cost
3.5 us, a stance span (five) 2 us, and the summary of a
5,000-observation intensive builds one of each per observation (issue
16). A slot's member descriptor sets the same slot for a third of that.
The generated ``__init__`` checks nothing, so a builder made of these
setters makes an object equal to the one the constructor makes, provided
it sets every field: :func:`slot_setters` refuses a list of names that
is not exactly the class's fields, so a field added later fails at
import, not as an unset slot at first read.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

Setter = Callable[[Any, Any], None]


def slot_setters(cls: type[Any], names: tuple[str, ...]) -> tuple[Setter, ...]:
    """The setters of the slots ``names`` of the slotted dataclass ``cls``, in that order.

    Raises:
        TypeError: If ``names`` is not exactly the dataclass's fields, in order.
    """
    fields = tuple(field.name for field in dataclasses.fields(cls))
    if names != fields:
        raise TypeError(f"{cls.__name__} has the fields {fields}, not {names}")
    return tuple(cls.__dict__[name].__set__ for name in names)
