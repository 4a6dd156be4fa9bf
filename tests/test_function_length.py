"""No function in src/ is longer than 100 lines (docs/ARCHITECTURE.md, "Rules of the house").

A longer function is split into named steps. The limit counts every line from ``def`` to the
function's last line, docstring and comments included.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
LIMIT = 100


def long_functions(root: Path) -> list[str]:
    out = []
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > LIMIT:
                    where = f"{path.relative_to(root)}:{node.lineno}"
                    out.append(f"{where} {node.name}() has {length} lines")
    return out


def test_no_function_in_src_is_longer_than_the_limit() -> None:
    assert long_functions(SRC) == []


def test_the_check_sees_a_long_function(tmp_path: Path) -> None:
    body = "\n".join(f"    x{i} = {i}" for i in range(LIMIT))
    (tmp_path / "m.py").write_text(f"def short():\n    pass\n\n\ndef big():\n{body}\n")
    assert long_functions(tmp_path) == [f"m.py:5 big() has {LIMIT + 1} lines"]
