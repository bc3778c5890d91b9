"""The one window and the session around it: lock states, menus, idle, theme, settings."""
