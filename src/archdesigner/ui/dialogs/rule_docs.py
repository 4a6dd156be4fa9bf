"""A rule's documentation, shown inside the app.

The page is ``docs/rules/<ID>.md`` when the project's documentation is installed beside the
package (a source checkout, or a bundle that ships ``docs/``); otherwise it is written from
the rule itself (summary, severity, options) plus its row of docs/lint-rules.md when found.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from archdesigner.lint import RuleSet
from archdesigner.resources import docs_dirs, rule_page


def rule_markdown(rule_id: str, rules: RuleSet) -> str:
    """The Markdown page for ``rule_id``."""
    page = rule_page(rule_id)
    if page is not None:
        return page
    reg = rules.by_id().get(rule_id)
    if reg is None:
        return f"# {rule_id}\n\nNo rule with this id is installed."
    rule = reg.rule
    lines = [
        f"# {rule.id} {rule.name}",
        "",
        f"**Severity:** {rule.severity} · **Source:** {reg.source}"
        + (" · **Fixable:** yes" if rule.fixable else ""),
        "",
        rule.summary,
        "",
    ]
    for folder in docs_dirs():
        table = folder / "lint-rules.md"
        if table.is_file():
            for row in table.read_text(encoding="utf-8").splitlines():
                if row.startswith(f"| {rule.id} "):
                    cells = [c.strip() for c in row.strip("|").split("|")]
                    if len(cells) >= 4:
                        lines += [f"**Fires when:** {cells[2]}", "", f"**Fix:** {cells[3]}", ""]
                    break
            break
    if rule.options:
        lines += ["## Options", ""]
        for name, opt in rule.options.items():
            lines.append(f"- `{name}` (default `{opt.default}`): {opt.description}")
        lines.append("")
    lines += [
        "## Suppressing it",
        "",
        f'Add `"{rule.id}"` to the `lint_ignore` list of the node or link (right-click the '
        "finding > Suppress), or ignore the rule for the whole design in Tools > Lint Settings.",
    ]
    if rule.help_uri:
        lines += ["", f"More: <{rule.help_uri}>"]
    return "\n".join(lines)


class RuleDocsDialog(QDialog):
    def __init__(self, rule_id: str, rules: RuleSet, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Rule {rule_id}")
        self.resize(640, 560)
        v = QVBoxLayout(self)
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(True)
        self.browser.setMarkdown(rule_markdown(rule_id, rules))
        v.addWidget(self.browser)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        v.addWidget(buttons)
