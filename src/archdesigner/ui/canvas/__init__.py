"""The canvas: scene (items built from the document), view (zoom, pan, overview), tools."""
