#!/usr/bin/env python3
"""Writes docs/cli.md, the command line reference, from ``archdesigner.cli.build_parser()``.

The page is built from the parser's actions (not from argparse's formatted help, which changes
between Python versions and terminal widths), so the same code gives the same page everywhere.
tests/test_cli_docs.py fails when the committed page differs from what this script prints.

    python tools/gen_cli_docs.py            # rewrite docs/cli.md
    python tools/gen_cli_docs.py --check    # exit 1 if docs/cli.md is out of date
    python tools/gen_cli_docs.py -o -       # print to stdout
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = ROOT / "docs" / "cli.md"
REGENERATE = "make docs"


def _parser() -> argparse.ArgumentParser:
    try:
        from archdesigner.cli import build_parser
    except ImportError:  # run from a source tree without the package installed
        sys.path.insert(0, str(ROOT / "src"))
        from archdesigner.cli import build_parser
    return build_parser()


def _common_dests() -> set[str]:
    from archdesigner.cli import common_options

    return {a.dest for a in common_options()._actions}


def _cell(text: str) -> str:
    """Text fit for one Markdown table cell."""
    text = " ".join(text.split())
    for ch, esc in (("|", "\\|"), ("*", "\\*"), ("<", "&lt;")):
        text = text.replace(ch, esc)
    return text


def _help_text(action: argparse.Action, prog: str) -> str:
    text = action.help or ""
    if "%" in text:
        params = {k: v for k, v in vars(action).items() if v is not argparse.SUPPRESS}
        params["prog"] = prog
        for key in ("choices",):
            if params.get(key) is not None:
                params[key] = ", ".join(str(c) for c in params[key])
        text = text % params  # as argparse expands it in --help
    return text


def _metavar(action: argparse.Action) -> str:
    if action.metavar is not None:
        return str(action.metavar if isinstance(action.metavar, str) else " ".join(action.metavar))
    if action.choices is not None and not action.option_strings:
        return "{" + ",".join(str(c) for c in action.choices) + "}"
    return action.dest if not action.option_strings else action.dest.upper()


def _takes_value(action: argparse.Action) -> bool:
    return action.nargs != 0


def _positional_usage(action: argparse.Action) -> str:
    m = _metavar(action)
    nargs = action.nargs
    if nargs is None or nargs == 1:
        return m
    if nargs == "?":
        return f"[{m}]"
    if nargs == "*":
        return f"[{m} ...]"
    if nargs == "+":
        return f"{m} [{m} ...]"
    if nargs in (argparse.REMAINDER, argparse.PARSER):
        return "..."
    if isinstance(nargs, int):
        return " ".join([m] * nargs)
    return m


def _option_names(action: argparse.Action) -> str:
    names = []
    for opt in action.option_strings:
        names.append(f"`{opt} {_metavar(action)}`" if _takes_value(action) else f"`{opt}`")
    return ", ".join(names)


def _default(action: argparse.Action) -> str:
    d = action.default
    if not _takes_value(action) or d is None or d is argparse.SUPPRESS:
        return ""
    if isinstance(d, list | tuple) and not d:
        return ""
    if isinstance(d, list | tuple):
        return ", ".join(f"`{v}`" for v in d)
    return f"`{d}`"


def _visible(action: argparse.Action) -> bool:
    return action.help is not argparse.SUPPRESS and not isinstance(
        action, argparse._HelpAction | argparse._SubParsersAction
    )


def _subcommands(parser: argparse.ArgumentParser) -> list[tuple[str, str, argparse.ArgumentParser]]:
    out = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {a.dest: a.help or "" for a in action._choices_actions}
            for name, sub in action.choices.items():
                out.append((name, helps.get(name, ""), sub))
    return sorted(out, key=lambda item: item[0])


def _anchor(name: str) -> str:
    return f"archdesigner-{name}".lower()


def _text_block(text: str) -> list[str]:
    """A help description as Markdown. Flush-left lines are prose (Markdown joins the lines of
    a paragraph); runs of indented lines (tables of formats, examples) keep their layout in a
    fenced block."""
    out: list[str] = []
    block: list[str] = []

    def flush() -> None:
        if block:
            indent = min(len(b) - len(b.lstrip()) for b in block)
            if out and out[-1]:
                out.append("")
            out.extend(["```text", *(b[indent:] for b in block), "```", ""])
            block.clear()

    for line in text.strip("\n").splitlines():
        line = line.rstrip()
        if line[:1].isspace():
            block.append(line)
            continue
        flush()
        if line or (out and out[-1]):
            out.append(line)
    flush()
    while out and not out[-1]:
        out.pop()
    return out


def _command_section(name: str, parser: argparse.ArgumentParser) -> list[str]:
    prog = f"archdesigner {name}"
    actions = [a for a in parser._actions if _visible(a)]
    positionals = [a for a in actions if not a.option_strings]
    # the options every command shares (--plugins) come last
    common = _common_dests()
    optionals = sorted((a for a in actions if a.option_strings), key=lambda a: a.dest in common)
    usage = " ".join(
        [prog, *(["[options]"] if optionals else []), *map(_positional_usage, positionals)]
    )
    lines = [f'<a id="{_anchor(name)}"></a>', f"## {prog}", "", "```text", usage, "```", ""]
    if parser.description:
        lines += [*_text_block(parser.description), ""]
    if positionals:
        lines += ["| argument | meaning |", "|---|---|"]
        for a in positionals:
            lines.append(f"| `{_positional_usage(a)}` | {_cell(_help_text(a, prog))} |")
        lines.append("")
    if optionals:
        lines += ["| option | meaning | default |", "|---|---|---|"]
        for a in optionals:
            meaning = _help_text(a, prog)
            if a.choices is not None:
                choices = ", ".join(f"`{c}`" for c in a.choices)
                meaning = f"{meaning} (one of: {choices})" if meaning else f"one of: {choices}"
            lines.append(f"| {_option_names(a)} | {_cell(meaning)} | {_default(a)} |")
        lines.append("")
    if parser.epilog:
        lines += [*_text_block(parser.epilog), ""]
    return lines


def render() -> str:
    """The whole of docs/cli.md."""
    parser = _parser()
    commands = _subcommands(parser)
    lines = [
        "# Command line reference",
        "",
        "<!-- Generated by tools/gen_cli_docs.py from archdesigner.cli.build_parser(); do not",
        f"     edit by hand. Regenerate with: {REGENERATE} -->",
        "",
    ]
    if parser.description:
        lines += [" ".join(parser.description.split()), ""]
    lines += [
        "```text",
        "archdesigner [--version] [--help]",
        "archdesigner [FILE ...]          # open the desktop app, with these designs",
        "archdesigner COMMAND [options] ...",
        "```",
        "",
        "Exit status of the commands: 0 when all went well, 1 when a check found what it looks",
        "for (for example lint findings at or above `--fail-on`), 2 for a usage error or a file",
        "that cannot be read or validated (one line on standard error names the file and the",
        "place).",
        "",
        "| command | what it does |",
        "|---|---|",
    ]
    for name, help_text, _sub in commands:
        lines.append(f"| [`{name}`](#{_anchor(name)}) | {_cell(help_text)} |")
    lines.append("")
    for name, _help, sub in commands:
        lines += _command_section(name, sub)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Generate docs/cli.md from the archdesigner parser.")
    ap.add_argument("-o", "--output", default=str(DEFAULT_OUTPUT), help="file to write, or -")
    ap.add_argument(
        "--check", action="store_true", help="do not write; exit 1 if the file is out of date"
    )
    args = ap.parse_args(argv)
    text = render()
    if args.output == "-":
        sys.stdout.write(text)
        return 0
    out = Path(args.output)
    current = out.read_text(encoding="utf-8") if out.is_file() else None
    if args.check:
        if current != text:
            print(f"{out} is out of date; regenerate it with: {REGENERATE}", file=sys.stderr)
            return 1
        return 0
    if current != text:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8", newline="\n")
        print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
