"""The vault's types, named for the layers that may not import the store.

The desktop app and the command hold a vault only to hand it back to the
services; they must not import `app.store` (docs/architecture.md), yet their
annotations should say what they hold. They import `Vault` from here, under
`TYPE_CHECKING`, so naming the type loads no database code at start-up.
`KdfParams` and `UnlockThrottle` are what tests hand the desktop app (a
fast key profile, a throttle without waits); the app itself never does.
"""

from __future__ import annotations

from crucible.app.store.keyfile import KdfParams
from crucible.app.store.vault import UnlockThrottle, Vault

__all__ = ["KdfParams", "UnlockThrottle", "Vault"]
