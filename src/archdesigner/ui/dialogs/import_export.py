"""File > Import docker-compose and File > Export.

Both dialogs are modeless and testable without a modal loop: fill the fields, call
:meth:`ImportDialog.run_import` / :meth:`ExportDialog.run_export` (what the buttons do) or
``accept()``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from archdesigner.export.base import ExportError, ExportOption, ExportResult
from archdesigner.export.registry import RegisteredExporter, guess_format, load_exporters
from archdesigner.importers import ImportInputError, importer_for, load_importers
from archdesigner.importers.base import Importer, ImportResult
from archdesigner.io import atomic_write_bytes

if TYPE_CHECKING:
    from archdesigner.ui.main_window import MainWindow

PREVIEW_MAX_NODES = 400
IMAGE_FORMATS = ("svg", "png")


def _split_paths(text: str) -> list[Path]:
    return [Path(p.strip()) for p in text.split(";") if p.strip()]


_SYMBOL_RE = re.compile(
    r'<symbol id="([^"]+)" viewBox="[^"]*">\s*<image [^>]*?xlink:href="([^"]+)"\s*/>\s*</symbol>'
)
_USE_RE = re.compile(r'<use xlink:href="#([^"]+)"([^>]*?)/>')


def inline_symbols(svg: str) -> str:
    """The SVG with every ``<use>`` of an icon symbol replaced by an ``<image>`` of the icon
    at the use's place and size. Qt's SVG renderer (SVG Tiny 1.2) has no ``<symbol>``: it
    draws the symbol's content at its own size (100 x 100) wherever it is used, ignoring the
    ``width`` and ``height`` of the ``<use>``, so every icon came out huge over the labels."""
    icons = dict(_SYMBOL_RE.findall(svg))
    if not icons:
        return svg

    def swap(m: re.Match[str]) -> str:
        uri = icons.get(m.group(1))
        if uri is None:
            return m.group(0)
        return f'<image{m.group(2)} preserveAspectRatio="xMidYMid meet" xlink:href="{uri}"/>'

    return _USE_RE.sub(swap, svg)


def svg_pixmap(data: bytes) -> QPixmap:
    """The SVG (a diagram from the Graphviz exporter) drawn as a picture by Qt, its icons at
    the size the file gives them (see :func:`inline_symbols`). Not resvg: resvg-py 0.5 reads
    Graphviz's sizes in pt as 0 px ("invalid size") unless given a dpi, and then draws no
    text here."""
    svg = inline_symbols(data.decode("utf-8", "replace"))
    renderer = QSvgRenderer(QByteArray(svg.encode("utf-8")))
    size = renderer.defaultSize()
    scale = min(1.0, 1600 / max(1, size.width()), 1600 / max(1, size.height()))
    pm = QPixmap(max(1, int(size.width() * scale)), max(1, int(size.height() * scale)))
    pm.fill(Qt.GlobalColor.white)
    painter = QPainter(pm)
    renderer.render(painter)
    painter.end()
    return pm


def sentence(text: str) -> str:
    """``text`` with a capital first letter ("keep" -> "Keep"); capitals stay ("LR")."""
    return text[:1].upper() + text[1:]


def option_label(name: str) -> str:
    """An option's label in sentence case: "load_factor" -> "Load factor", "dpi" -> "DPI"."""
    words = name.split("_")
    words = [w.upper() if w in ("dpi", "svg", "png", "pdf") else w for w in words]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


class ImportDialog(QDialog):
    """Pick compose files or Kubernetes manifests, import them (the importer their content
    names, unless one is chosen), read the report, open the result as a new design."""

    def __init__(self, window: MainWindow, plugin_dirs: Sequence[str | Path] = ()) -> None:
        super().__init__(window)
        self.window_ = window
        self.setWindowTitle("Import compose files or Kubernetes manifests")
        self.resize(720, 520)
        self.importers, self.plugin_errors = load_importers(plugin_dirs)
        self.result_: ImportResult | None = None
        v = QVBoxLayout(self)
        form = QFormLayout()
        row = QHBoxLayout()
        self.files_edit = QLineEdit()
        self.files_edit.setPlaceholderText("compose.yaml; compose.override.yaml")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        row.addWidget(self.files_edit, 1)
        row.addWidget(browse)
        form.addRow("Files (merged in order)", row)
        self.env_edit = QLineEdit()
        self.env_edit.setPlaceholderText("optional: a .env file for ${VAR} interpolation")
        form.addRow("Env file", self.env_edit)
        self.importer_box = QComboBox()
        self.importer_box.addItem("Detect from the files", "")
        for ident, imp in self.importers.items():
            self.importer_box.addItem(f"{imp.name} ({ident})", ident)
        form.addRow("Importer", self.importer_box)
        v.addLayout(form)
        self.import_button = QPushButton("Import")
        self.import_button.clicked.connect(self.run_import)
        v.addWidget(self.import_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.summary = QLabel("Choose the files to import.")
        self.summary.setWordWrap(True)
        v.addWidget(self.summary)
        self.report_view = QPlainTextEdit()
        self.report_view.setReadOnly(True)
        self.report_view.setPlaceholderText(
            "The import report (inferred links, guesses) shows here."
        )
        v.addWidget(self.report_view, 1)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel
        )
        self.open_button = self.buttons.button(QDialogButtonBox.StandardButton.Open)
        self.open_button.setText("Open as New Design")
        self.open_button.setEnabled(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        v.addWidget(self.buttons)

    def _browse(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(
            self,
            "Compose files or Kubernetes manifests",
            "",
            "YAML files (*.yaml *.yml);;JSON files (*.json);;All files (*)",
        )
        if files:
            self.files_edit.setText("; ".join(files))
            self.run_import()

    def set_files(self, paths: Sequence[str | Path]) -> None:
        self.files_edit.setText("; ".join(str(p) for p in paths))

    def _importer(self, paths: list[Path]) -> Importer | None:
        chosen = self.importer_box.currentData()
        if chosen:
            return self.importers.get(chosen)
        return importer_for(paths, self.importers) or self.importers.get("compose")

    def run_import(self) -> bool:
        """Imports the files; shows the report or the one-line error. True on success."""
        self.result_ = None
        self.open_button.setEnabled(False)
        paths = _split_paths(self.files_edit.text())
        if not paths:
            self.summary.setText("Choose at least one file.")
            return False
        importer = self._importer(paths)
        if importer is None:
            self.summary.setText("No importer is available.")
            return False
        env: dict[str, str] | None = None
        try:
            if self.env_edit.text().strip():
                from archdesigner.importers.compose_yaml import read_env_file

                env_file = Path(self.env_edit.text().strip())
                env = {**read_env_file(env_file, dict(os.environ)), **os.environ}
            result = importer.import_files(paths, env=env)
        except ImportInputError as exc:
            self._fail(str(exc))
            return False
        except OSError as exc:
            self._fail(f"{exc.filename or paths[0]}: {exc.strerror or exc}")
            return False
        except Exception as exc:  # a plugin importer's bug: one line, no traceback
            self._fail(f"{paths[0]}: importer {importer.id!r} failed: {type(exc).__name__}: {exc}")
            return False
        self.result_ = result
        d = result.design
        self.summary.setText(
            f"<b>Imported {len(d.nodes)} nodes, {len(d.links)} links, {len(d.groups)} groups</b> "
            f"from {', '.join(p.name for p in paths)}."
        )
        lines = list(result.report) + [f"warning: {e}" for e in self.plugin_errors]
        self.report_view.setPlainText("\n".join(lines) or "Nothing to report.")
        self.open_button.setEnabled(True)
        return True

    def _fail(self, message: str) -> None:
        self.summary.setText(f"<span style='color:#b91c1c'>Cannot import: {message}</span>")
        self.report_view.setPlainText(message)

    def accept(self) -> None:
        if self.result_ is None and not self.run_import():
            return
        assert self.result_ is not None
        window = self.window_
        if not window.files.maybe_save():
            return
        editor = window.editor
        editor.set_design(self.result_.design, None)
        editor.undo_stack.resetClean()  # an import is unsaved work
        editor.file_state_changed.emit()
        window.view.fit_all()
        super().accept()


class ExportDialog(QDialog):
    """Every exporter with its options, a preview for diagrams and the mapping report."""

    def __init__(self, window: MainWindow, plugin_dirs: Sequence[str | Path] = ()) -> None:
        super().__init__(window)
        self.window_ = window
        self.setWindowTitle("Export")
        self.resize(900, 640)
        self.exporters, self.plugin_errors = load_exporters(plugin_dirs)
        self.option_widgets: dict[str, QWidget] = {}
        self.last_result: ExportResult | None = None
        self.written: Path | None = None
        self.preview_pixmap = QPixmap()
        v = QVBoxLayout(self)
        top = QFormLayout()
        self.format_box = QComboBox()
        for ident, reg in self.exporters.items():
            source = "" if reg.plugin == "built-in" else f" — {reg.plugin}"
            self.format_box.addItem(sentence(reg.exporter.name) + source, ident)
            self.format_box.setItemData(
                self.format_box.count() - 1,
                f"archdesigner export --to {ident}",
                Qt.ItemDataRole.ToolTipRole,
            )
        top.addRow("Format", self.format_box)
        row = QHBoxLayout()
        self.path_edit = QLineEdit()
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        top.addRow("Save to", row)
        v.addLayout(top)
        self.options_box = QWidget()
        self.options_form = QFormLayout(self.options_box)
        self.options_form.setContentsMargins(0, 0, 0, 0)
        v.addWidget(self.options_box)
        split = QSplitter(Qt.Orientation.Vertical)
        self.preview_image = QLabel("")
        self.preview_image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview_scroll = QScrollArea()
        self.preview_scroll.setWidgetResizable(True)
        self.preview_scroll.setWidget(self.preview_image)
        self.preview_text = QPlainTextEdit()
        self.preview_text.setReadOnly(True)
        self.report_view = QPlainTextEdit()
        self.report_view.setReadOnly(True)
        self.report_view.setPlaceholderText("What could not be mapped shows here.")
        self.report_view.setMaximumHeight(140)
        split.addWidget(self.preview_scroll)
        split.addWidget(self.preview_text)
        split.addWidget(self.report_view)
        split.setStretchFactor(0, 4)
        split.setStretchFactor(1, 4)
        split.setStretchFactor(2, 1)
        v.addWidget(split, 1)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        v.addWidget(self.status)
        buttons = QDialogButtonBox()
        self.preview_button = buttons.addButton("Preview", QDialogButtonBox.ButtonRole.ActionRole)
        self.export_button = buttons.addButton("Export", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.preview_button.clicked.connect(self.preview)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        v.addWidget(buttons)
        self.format_box.currentIndexChanged.connect(self._format_changed)
        self.path_edit.editingFinished.connect(self._path_changed)
        self._format_changed()

    # --- format and options ------------------------------------------------------------------
    @property
    def registered(self) -> RegisteredExporter:
        return self.exporters[self.format_box.currentData()]

    def set_format(self, ident: str) -> None:
        i = self.format_box.findData(ident)
        if i < 0:
            raise KeyError(ident)
        self.format_box.setCurrentIndex(i)

    def _format_changed(self) -> None:
        while self.options_form.rowCount():
            self.options_form.removeRow(0)
        self.option_widgets.clear()
        exp = self.registered.exporter
        for opt in exp.options:
            w = self._option_widget(opt)
            w.setToolTip(sentence(opt.help))
            self.option_widgets[opt.name] = w
            self.options_form.addRow(option_label(opt.name), w)
        self.options_box.setVisible(bool(exp.options))
        base = self.window_.editor.path
        stem = (base.name.split(".")[0] if base else self.window_.editor.design.name) or "design"
        folder = base.parent if base else Path.home()
        current = self.path_edit.text().strip()
        if current:
            folder = Path(current).parent
        suffix = exp.suffixes[0] if exp.suffixes else ".out"
        name = stem + suffix if suffix.startswith(".") else suffix
        self.path_edit.setText(str(folder / name))
        self.preview_image.clear()
        self.preview_text.clear()
        self.report_view.clear()
        self.status.clear()  # no preview of this format yet
        is_image = exp.id in IMAGE_FORMATS
        self.preview_scroll.setVisible(is_image)
        self.preview_text.setVisible(not is_image)
        self.preview_button.setEnabled(exp.id != "pdf")

    def _option_widget(self, opt: ExportOption) -> QWidget:
        w: QWidget
        if opt.choices:
            box = QComboBox()
            for choice in opt.choices:  # shown in sentence case, passed on as they are
                box.addItem(sentence(str(choice)), choice)
            if opt.default in opt.choices:
                box.setCurrentIndex(box.findData(opt.default))
            w = box
        elif opt.type is bool:
            check = QCheckBox()
            check.setChecked(bool(opt.default))
            w = check
        elif opt.type is int:
            spin = QSpinBox()
            spin.setRange(-1_000_000, 1_000_000)
            spin.setValue(int(opt.default or 0))
            w = spin
        elif opt.type is float:
            dspin = QDoubleSpinBox()
            dspin.setRange(0.0, 1_000_000.0)
            dspin.setDecimals(2)
            dspin.setValue(float(opt.default or 0.0))
            if not opt.default:  # 0 means "the program's default": say so, not "0.00"
                dspin.setSpecialValueText("Default")
            if opt.help.startswith("seconds"):
                dspin.setSuffix(" s")
            w = dspin
        else:
            edit = QLineEdit("" if opt.default is None else str(opt.default))
            w = edit
        return w

    def set_option(self, name: str, value: Any) -> None:
        w = self.option_widgets[name]
        if isinstance(w, QComboBox):
            w.setCurrentIndex(w.findData(value))
        elif isinstance(w, QCheckBox):
            w.setChecked(bool(value))
        elif isinstance(w, QSpinBox | QDoubleSpinBox):
            w.setValue(value)
        elif isinstance(w, QLineEdit):
            w.setText(str(value))

    def options(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for opt in self.registered.exporter.options:
            w = self.option_widgets[opt.name]
            if isinstance(w, QComboBox):
                out[opt.name] = w.currentData()
            elif isinstance(w, QCheckBox):
                out[opt.name] = w.isChecked()
            elif isinstance(w, QSpinBox | QDoubleSpinBox):
                out[opt.name] = w.value()
            elif isinstance(w, QLineEdit):
                text = w.text()
                if text or opt.default is not None:
                    out[opt.name] = text
        return out

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export to", self.path_edit.text())
        if path:
            self.path_edit.setText(path)
            self._path_changed()

    def _path_changed(self) -> None:
        ident = guess_format(self.path_edit.text(), self.exporters)
        if ident and ident != self.format_box.currentData():
            path = self.path_edit.text()
            self.set_format(ident)
            self.path_edit.setText(path)

    # --- running -----------------------------------------------------------------------------
    def _run(self) -> ExportResult | None:
        reg = self.registered
        options = self.options()
        features = self.window_.features
        if "load_factor" in options and features is not None and options["load_factor"] == 1.0:
            options["load_factor"] = features.lint.load_factor
        try:
            result = reg.exporter.export(self.window_.editor.design, **options)
        except ExportError as exc:
            self._status(f"Cannot export: {exc}", error=True)
            return None
        except Exception as exc:  # a plugin exporter's bug: one line, no traceback
            self._status(f"Exporter {reg.id!r} failed: {type(exc).__name__}: {exc}", error=True)
            return None
        self.last_result = result
        lines = list(result.report) + [f"warning: {e}" for e in self.plugin_errors]
        self.report_view.setPlainText("\n".join(lines) or "Everything was mapped.")
        return result

    def preview(self) -> bool:
        if len(self.window_.editor.design.nodes) > PREVIEW_MAX_NODES and (
            self.registered.id in IMAGE_FORMATS
        ):
            self._status(
                f"No preview for designs over {PREVIEW_MAX_NODES} nodes (Graphviz is slow there)"
            )
            return False
        result = self._run()
        if result is None:
            return False
        ident = self.registered.id
        if ident in IMAGE_FORMATS:
            pm = svg_pixmap(result.as_bytes()) if ident == "svg" else QPixmap()
            if ident == "png":
                pm.loadFromData(result.as_bytes())
            self.preview_pixmap = pm
            area = self.preview_scroll.viewport().size()
            if pm.width() > area.width() or pm.height() > area.height():
                pm = pm.scaled(
                    area,
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            self.preview_image.setPixmap(pm)
        elif isinstance(result.data, str):
            self.preview_text.setPlainText(result.data)
        else:
            self.preview_text.setPlainText(f"({len(result.data)} bytes of binary output)")
        self._status("Preview up to date.")
        return True

    def run_export(self) -> bool:
        text = self.path_edit.text().strip()
        if not text:
            self._status("Choose where to save the export.", error=True)
            return False
        path = Path(text).expanduser()
        result = self._run()
        if result is None:
            return False
        try:
            atomic_write_bytes(path, result.as_bytes())
        except OSError as exc:
            self._status(f"Cannot write {path}: {exc.strerror or exc}", error=True)
            return False
        self.written = path
        self._status(f"Exported to {path}.")
        self.window_.statusBar().showMessage(f"Exported {path.name}", 6000)
        return True

    def _status(self, text: str, *, error: bool = False) -> None:
        color = "#b91c1c" if error else "#166534"
        self.status.setText(f"<span style='color:{color}'>{text}</span>")

    def accept(self) -> None:
        if self.run_export():
            if self.last_result is not None and self.last_result.report:
                return  # keep the mapping report on screen; Close when read
            super().accept()
