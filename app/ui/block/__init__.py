"""The live-session workspace of one block: observation pad, timeline, summary, table, note.

The main window needs only this package's top level::

    services = BlockServices(vault, signer=profile.signature)
    workspace = BlockController(services, flip_window_s=..., background=background)
    workspace.show_block(intensive_id, block_id)
    workspace.save_pending()   # before a block switch, a lock, quit
    workspace.clear()          # at lock, after save_pending()

See docs/workspace.md for the keys and the behaviour.
"""

from crucible.app.ui.block.block_controller import BlockController, real_timer
from crucible.app.ui.block.block_services import BlockServices
from crucible.app.ui.block.keymap import DEFAULT_KEY_MAP, KeyMap

__all__ = ["DEFAULT_KEY_MAP", "BlockController", "BlockServices", "KeyMap", "real_timer"]
