"""Exporting an intensive as a BORIS project file, de-identified, with its audit entry.

The project is built whole in memory (one intensive holds a few thousand
observations at most) and written atomically, owner-only, by the same
`write_user_file` every export uses.
"""

from __future__ import annotations

import json
import logging
import secrets
from pathlib import Path
from typing import TYPE_CHECKING

from crucible.app.services.clock import Clock, system_clock

if TYPE_CHECKING:  # the store loads only when a vault is open
    from crucible.app.store.vault import Vault

log = logging.getLogger(__name__)


def export_boris(
    vault: Vault,
    intensive_id: int,
    path: Path,
    *,
    actor: str,
    clock: Clock = system_clock,
) -> int:
    """Write the intensive's BORIS project to ``path``; return how many BORIS observations it has.

    Raises:
        NotFoundError: No such intensive.
        InputError: The file cannot be written (nothing is).
    """
    from crucible.app.domain.audit_vocabulary import AuditAction
    from crucible.app.domain.boris_project import boris_project
    from crucible.app.domain.research_codebook import Pseudonyms
    from crucible.app.services.files import refuse_inside_vault, write_user_file
    from crucible.app.services.intensive_exchange import get_intensive
    from crucible.app.store.audit import append_event

    refuse_inside_vault(vault.folder, path)
    intensive = get_intensive(vault, intensive_id)
    now = clock()
    name = "Crucible " + Pseudonyms(secrets.token_bytes(32)).intensive(intensive_id)
    project = boris_project(intensive, name=name, created=now)
    data = json.dumps(project, ensure_ascii=False, indent=1).encode("utf-8")
    write_user_file(path, data)
    observations = len(project["observations"])
    log.info("exported intensive %d to BORIS: %d observations", intensive_id, observations)
    with vault.write_session() as session:
        append_event(
            session,
            at=now,
            actor=actor,
            action=AuditAction.EXPORT_BORIS,
            intensive_id=intensive_id,
            detail={"format": "boris", "identified": False},
        )
    return observations


__all__ = ["export_boris"]
