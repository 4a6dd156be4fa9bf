"""The canvas's link grid is bounded by the number of links, not by their length."""

from __future__ import annotations

from typing import Any

from archdesigner.model import Design, Link, Node, Position


def test_a_link_across_the_whole_coordinate_range_files_few_cells(qtbot: Any) -> None:
    from archdesigner.ui.canvas.links import _cells, _level
    from archdesigner.ui.canvas.scene import DesignScene
    from archdesigner.ui.editor import Editor

    design = Design.empty("far")
    design.nodes += [
        Node(id="a", kind="service", position=Position(x=-1e7, y=-1e7)),
        Node(id="b", kind="service", position=Position(x=1e7, y=1e7)),
    ]
    design.links.append(Link(id="l", source="a", target="b"))
    scene = DesignScene(Editor(design))
    assert 0 < len(scene.links.cells("l")) < 1000
    seg = (-1e7, -1e7, 1e7, 1e7)
    assert len(_cells(seg, _level(seg))) < 1000
    beyond = (-1e12, 0.0, 1e12, 0.0)  # never in a valid design; still bounded
    assert len(_cells(beyond, _level(beyond))) < 1000
