"""The inspector: edits every field of the selected node, link or group (or of several
nodes at once, or of the design when nothing is selected). Each change is one undo step;
an invalid value is refused and the reason shown under the field."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from archdesigner.model import catalog
from archdesigner.model.edits import (
    Compound,
    Edit,
    UpdateDesign,
    UpdateGroup,
    UpdateLink,
    UpdateNode,
)
from archdesigner.ui import fields as f
from archdesigner.ui.canvas.scene import DesignScene
from archdesigner.ui.editor import Editor

GROUP_KINDS = ("region", "zone", "network", "cluster", "boundary")


def _count(n: int, word: str) -> str:
    """ "1 node", "2 nodes"."""
    return f"{n} {word}{'s' if n != 1 else ''}"


class Page(QWidget):
    def __init__(self, title: str) -> None:
        super().__init__()
        self.fields: dict[str, f.Field] = {}
        v = QVBoxLayout(self)
        v.setContentsMargins(10, 8, 10, 8)
        self.title = f.heading(title)
        self.subtitle = QLabel()
        self.subtitle.setStyleSheet("color: gray;")
        v.addWidget(self.title)
        v.addWidget(self.subtitle)
        self.form = QFormLayout()
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.form.setVerticalSpacing(8)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        v.addLayout(self.form)
        v.addStretch(1)

    def add(self, label: str, field: f.Field) -> f.Field:
        self.fields[field.key] = field
        self.form.addRow(label, field)
        return field


class Inspector(QScrollArea):
    def __init__(self, editor: Editor, scene: DesignScene) -> None:
        super().__init__()
        self.editor = editor
        self.scene = scene
        self.target: tuple[str, list[str]] = ("design", [])
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setMinimumWidth(280)
        self.stack = QStackedWidget()
        self.setWidget(self.stack)
        c = self._commit
        kinds = [(i.display_name, i.kind) for i in catalog.kinds()]

        self.design_page = p = Page("Design")
        p.add("Name", f.TextField("name", c))
        p.add("Description", f.LongTextField("description", c))

        self.node_page = p = Page("Node")
        p.add("Id", f.TextField("id", c))
        p.add("Name", f.TextField("name", c, "shown on the card; the id if empty"))
        p.add("Kind", f.ChoiceField("kind", c, kinds))
        p.add("Technology", f.ComboTextField("technology", c))
        p.add("Replicas", f.SpinField("replicas", c, 1, 100_000))
        p.add("", f.AutoscaleField("autoscale", c))
        p.add("Scaling", f.ChoiceField("scaling", c))
        p.add("Stateful", f.ChoiceField("stateful", c))
        p.add("Group", f.ChoiceField("group", c))
        p.add("Image", f.TextField("image", c, "e.g. ghcr.io/acme/api:1.4"))
        p.add("Ports", f.IntListField("ports", c, "e.g. 8080, 9090"))
        p.add("Environment", f.EnvField("env", c))
        p.add("Capacity (req/s)", f.OptionalNumberField("capacity_rps", c, "per instance"))
        p.add("Load (req/s)", f.OptionalNumberField("load_rps", c, "sent into the design"))
        p.add("Team", f.TextField("team", c))
        p.add("Ignore rules", f.WordListField("lint_ignore", c, "rule ids, comma-separated"))

        self.nodes_page = p = Page("Nodes")
        p.add("Kind", f.ChoiceField("kind", c, kinds))
        p.add("Technology", f.ComboTextField("technology", c))
        p.add("Replicas", f.SpinField("replicas", c, 1, 100_000))
        p.add("", f.AutoscaleField("autoscale", c))
        p.add("Scaling", f.ChoiceField("scaling", c))
        p.add("Stateful", f.ChoiceField("stateful", c))
        p.add("Group", f.ChoiceField("group", c))
        p.add("Team", f.TextField("team", c))

        self.link_page = p = Page("Link")
        p.add("Id", f.TextField("id", c))
        p.add("From", f.TextField("source", c))
        p.add("To", f.TextField("target", c))
        p.add(
            "Mode",
            f.ChoiceField("mode", c, [("sync", "sync"), ("async", "async")]),
        )
        p.add("Protocol", f.TextField("protocol", c, "e.g. http, grpc, sql, amqp"))
        p.add("", f.CheckField("required", c, "Required"))
        p.add("Calls per request", f.NumberField("calls_per_request", c))
        p.add("Timeout (ms)", f.OptionalNumberField("timeout_ms", c, "none"))
        p.add("Retries", f.SpinField("retries", c, 0, 100))
        p.add("", f.CheckField("circuit_breaker", c, "Circuit breaker"))
        p.add("", f.CheckField("discovery", c, "Service discovery"))
        p.add("Label", f.TextField("label", c))
        p.add("Ignore rules", f.WordListField("lint_ignore", c, "rule ids, comma-separated"))

        self.group_page = p = Page("Group")
        p.add("Id", f.TextField("id", c))
        p.add("Name", f.TextField("name", c))
        p.add("Kind", f.ChoiceField("kind", c, [(k, k) for k in GROUP_KINDS]))
        p.add("Inside", f.ChoiceField("parent", c))

        for page in (
            self.design_page,
            self.node_page,
            self.nodes_page,
            self.link_page,
            self.group_page,
        ):
            self.stack.addWidget(page)
        scene.selection_changed.connect(self.refresh)
        editor.document_changed.connect(self.refresh)
        self.refresh()

    # --- showing -------------------------------------------------------------------------
    def refresh(self) -> None:
        s = self.scene
        nodes, links, groups = s.selected_nodes(), s.selected_links(), s.selected_groups()
        d = self.editor.design
        if len(nodes) == 1 and not links and not groups:
            self._show_node(nodes[0])
        elif len(nodes) > 1 and not links and not groups:
            self._show_nodes(nodes)
        elif len(links) == 1 and not nodes and not groups:
            self._show_link(links[0])
        elif len(groups) == 1 and not nodes and not links:
            self._show_group(groups[0])
        else:
            self.target = ("design", [])
            p = self.design_page
            p.fields["name"].load(d.name)
            p.fields["description"].load(d.description)
            total = len(nodes) + len(links) + len(groups)
            p.subtitle.setText(
                f"{total} items selected"
                if total
                else f"{_count(len(d.nodes), 'node')}, {_count(len(d.links), 'link')}"
            )
            self.stack.setCurrentWidget(p)

    def _group_choices(self, exclude: str | None = None) -> list[tuple[str, Any]]:
        return [("(none)", None)] + [
            (g.label if g.label == g.id else f"{g.label} ({g.id})", g.id)
            for g in self.editor.design.groups
            if g.id != exclude
        ]

    def _load_node_fields(self, p: Page, node: Any) -> None:
        info = catalog.kind_info(node.kind)
        scaling = info.scaling if info else "horizontal"
        stateful = "yes" if (info.stateful if info else False) else "no"
        p.fields["scaling"].set_choices(  # type: ignore[attr-defined]
            [
                (f"kind default ({scaling})", None),
                ("horizontal", "horizontal"),
                ("vertical", "vertical"),
                ("none", "none"),
            ]
        )
        p.fields["stateful"].set_choices(  # type: ignore[attr-defined]
            [(f"kind default ({stateful})", None), ("yes", True), ("no", False)]
        )
        p.fields["group"].set_choices(self._group_choices())  # type: ignore[attr-defined]
        p.fields["technology"].set_suggestions(  # type: ignore[attr-defined]
            [t.name for t in catalog.technologies_for(node.kind)]
            or (info.technologies if info else [])
        )
        for key, field in p.fields.items():
            field.load(getattr(node, key))

    def _show_node(self, nid: str) -> None:
        node = self.editor.node(nid)
        if node is None:
            return
        self.target = ("node", [nid])
        p = self.node_page
        info = catalog.kind_info(node.kind)
        p.title.setText(node.label)
        p.subtitle.setText(f"{info.display_name if info else node.kind} · {node.id}")
        self._load_node_fields(p, node)
        self.stack.setCurrentWidget(p)

    def _show_nodes(self, ids: list[str]) -> None:
        nodes = [n for n in (self.editor.node(i) for i in ids) if n is not None]
        self.target = ("nodes", [n.id for n in nodes])
        p = self.nodes_page
        p.title.setText(f"{len(nodes)} nodes")
        differ = [k for k in p.fields if len({repr(getattr(n, k)) for n in nodes}) > 1]
        p.subtitle.setText(
            "Changes apply to all of them."
            + (f" Values differ: {', '.join(differ)}." if differ else "")
        )
        self._load_node_fields(p, nodes[0])
        self.stack.setCurrentWidget(p)

    def _show_link(self, lid: str) -> None:
        link = self.editor.link(lid)
        if link is None:
            return
        self.target = ("link", [lid])
        p = self.link_page
        p.title.setText(f"{link.source} → {link.target}")
        p.subtitle.setText(f"{link.mode} link · {link.id}")
        for key, field in p.fields.items():
            field.load(getattr(link, key))
        self.stack.setCurrentWidget(p)

    def _show_group(self, gid: str) -> None:
        group = self.editor.group(gid)
        if group is None:
            return
        self.target = ("group", [gid])
        p = self.group_page
        p.title.setText(group.label)
        p.subtitle.setText(f"{group.kind} · {group.id}")
        p.fields["parent"].set_choices(self._group_choices(exclude=gid))  # type: ignore[attr-defined]
        for key, field in p.fields.items():
            field.load(getattr(group, key))
        self.stack.setCurrentWidget(p)

    # --- editing -------------------------------------------------------------------------
    def _commit(self, key: str, value: Any) -> None:
        kind, ids = self.target
        edit: Edit
        if kind == "node":
            edit = UpdateNode(ids[0], {key: value}, f"Set {key} of {ids[0]}")
            page = self.node_page
        elif kind == "nodes":
            edit = Compound(
                tuple(UpdateNode(i, {key: value}) for i in ids), f"Set {key} of {len(ids)} nodes"
            )
            page = self.nodes_page
        elif kind == "link":
            edit = UpdateLink(ids[0], {key: value}, f"Set {key} of link {ids[0]}")
            page = self.link_page
        elif kind == "group":
            edit = UpdateGroup(ids[0], {key: value}, f"Set {key} of group {ids[0]}")
            page = self.group_page
        else:
            edit = UpdateDesign({key: value}, f"Set design {key}")
            page = self.design_page
        error = self.editor.try_apply(edit)
        if error:
            page.fields[key].show_error(_short(error))
            return
        if key == "id":  # the item was replaced: keep it selected under its new id
            if kind == "node":
                self.scene.select([value])
            elif kind == "link":
                self.scene.select(links=[value])
            elif kind == "group":
                self.scene.select(groups=[value])

    def field(self, key: str) -> f.Field:
        """The field of the page shown now (tests and fixes that focus a field use it)."""
        page = self.stack.currentWidget()
        assert isinstance(page, Page)
        return page.fields[key]


def _short(message: str) -> str:
    # "api: replicas: Input should be greater than or equal to 1" -> the reason, readable
    return message.split(": ", 1)[1] if message.count(": ") >= 2 else message
