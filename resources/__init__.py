"""Crucible's shipped files (fonts, templates, word lists, the demo, icons) as package data.

A regular package, not a namespace one, so that `importlib.resources.files("crucible.resources")`
is its folder in every layout: a source tree, an editable install, a wheel, the bundle.
"""
