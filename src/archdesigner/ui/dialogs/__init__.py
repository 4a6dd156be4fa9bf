"""Dialogs of the app: import, export, lint settings, plugins, rule documentation."""
