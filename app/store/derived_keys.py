"""Values derived from the data key with HKDF-SHA256, one info label each.

- The audit-chain key keys the HMAC-SHA256 links of the audit trail, so
  relinking the chain needs the data key, not only a readable copy of the
  database and the documented algorithm.
- The vault id names the vault (every backup of it alike, since a vault's
  data key never changes) without revealing anything about the key: pending
  audit events written while the vault is locked carry it, so that another
  vault's pending events are recognised as such at the next unlock.

Distinct labels make the outputs independent: knowing the vault id tells
nothing about the chain key or the data key.
"""

from __future__ import annotations

from crucible.app.store.secrets import DataKey

CHAIN_KEY_INFO = "crucible_audit_chain_key"  # where a keyed connection's info holds it
AUDIT_CHAIN_LABEL = b"crucible/audit-chain-hmac/1"
VAULT_ID_LABEL = b"crucible/vault-id/1"
VAULT_ID_BYTES = 16


def _derive(data_key: DataKey, label: bytes, length: int) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(algorithm=hashes.SHA256(), length=length, salt=None, info=label).derive(
        data_key.raw()
    )


def audit_chain_key(data_key: DataKey) -> bytes:
    """The 256-bit HMAC key of the audit chain."""
    return _derive(data_key, AUDIT_CHAIN_LABEL, 32)


def vault_id(data_key: DataKey) -> str:
    """The vault's public id: 128 bits as 32 lowercase hex digits."""
    return _derive(data_key, VAULT_ID_LABEL, VAULT_ID_BYTES).hex()


__all__ = ["audit_chain_key", "vault_id"]
