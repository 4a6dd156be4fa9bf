"""The review report as ONE self-contained HTML page: inline SVG and CSS, no script, no
external reference; it opens offline and prints on A4 (the PDF is this page printed).
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from html import escape

from archdesigner.report.diagram import Diagram
from archdesigner.report.model import (
    FailureRow,
    Growth,
    NumberedFinding,
    Review,
    RuleGroup,
    Saturation,
    Summary,
)
from archdesigner.report.rulepages import inline_html
from archdesigner.wording import names

#: Rows of the failure table and the saturation table shown in the page (all are in --json).
MAX_ROWS = 60
#: Findings listed per rule (a 10,000-node design has thousands; all are in --json).
MAX_PER_RULE = 50
SEVERITY_LABEL = {"error": "error", "warning": "warning", "info": "info"}

CSS = """
:root { --ink:#1a202c; --muted:#5f6b7a; --line:#e2e8f0; --paper:#ffffff; --panel:#f7fafc;
  --error:#c62828; --warning:#b26a00; --info:#2b6cb0; --bar:#c53030; --accent:#2b6cb0; }
@media screen and (prefers-color-scheme: dark) {
  :root { --ink:#e2e8f0; --muted:#a0aec0; --line:#2d3748; --paper:#171923; --panel:#1f2430;
    --error:#fc8181; --warning:#f6ad55; --info:#90cdf4; --bar:#fc8181; --accent:#90cdf4; }
}
* { box-sizing: border-box; }
html { background: var(--paper); color: var(--ink); }
body { font: 10.5pt/1.45 "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; margin: 0 auto;
  max-width: 190mm; padding: 10mm 6mm; }
h1 { font-size: 19pt; margin: 0 0 2mm; }
h2 { font-size: 13.5pt; margin: 8mm 0 3mm; padding-bottom: 1mm;
  border-bottom: 2px solid var(--line); break-after: avoid; }
h3 { font-size: 11pt; margin: 5mm 0 1.5mm; break-after: avoid; }
p { margin: 1.5mm 0; }
.lead { color: var(--muted); margin-bottom: 4mm; }
.muted { color: var(--muted); }
code { font: 9pt "DejaVu Sans Mono", monospace; }
table { border-collapse: collapse; width: 100%; font-size: 9pt; }
th, td { text-align: left; padding: 1.2mm 2mm; border-bottom: 1px solid var(--line);
  vertical-align: top; }
th { color: var(--muted); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr { break-inside: avoid; }
.cards { display: flex; flex-wrap: wrap; gap: 3mm; margin: 3mm 0; }
.card { flex: 1 1 30mm; background: var(--panel); border: 1px solid var(--line);
  border-radius: 2mm; padding: 2mm 3mm; }
.card b { display: block; font-size: 16pt; }
.card.error b { color: var(--error); } .card.warning b { color: var(--warning); }
.card.info b { color: var(--info); }
.sev { display: inline-block; min-width: 15mm; font-size: 8pt; font-weight: 700;
  text-transform: uppercase; }
.sev.error { color: var(--error); } .sev.warning { color: var(--warning); }
.sev.info { color: var(--info); }
.no { display: inline-block; min-width: 8mm; font-weight: 700; color: var(--accent); }
.figure { background: #ffffff; border: 1px solid var(--line); border-radius: 2mm;
  padding: 2mm; margin: 2mm 0; break-inside: avoid; }
.figure svg { display: block; width: 100%; height: auto; max-height: 240mm; }
.bar { position: relative; height: 3.2mm; min-width: 28mm; background: var(--line);
  border-radius: 1mm; overflow: hidden; -webkit-print-color-adjust: exact;
  print-color-adjust: exact; }
.bar span { position: absolute; left: 0; top: 0; bottom: 0; background: var(--bar); }
.spf { font-size: 7.5pt; font-weight: 700; color: var(--paper); background: var(--error);
  border-radius: 1mm; padding: 0 1mm; -webkit-print-color-adjust: exact;
  print-color-adjust: exact; }
.growth { display: grid; grid-template-columns: 11fr 9fr; gap: 4mm; align-items: start; }
.growth td:first-child { overflow-wrap: anywhere; }
#diagram .figure { width: min(96vw, var(--natural, 100%)); position: relative;
  left: 50%; transform: translateX(-50%); }
@media print { #diagram { page: landscape; } #diagram .figure { width: 100%; left: 0;
  transform: none; } #diagram .figure svg { max-height: 160mm; }
  #diagram h2 { margin-top: 0; } }
@page landscape { size: A4 landscape; margin: 10mm; }
@media (max-width: 160mm) { .growth { grid-template-columns: 1fr; } }
ol.findings { list-style: none; padding: 0; margin: 0; }
ol.findings li { padding: 1.5mm 0; border-bottom: 1px solid var(--line); break-inside: avoid; }
.fix { color: var(--muted); }
.rule { background: var(--panel); border-left: 1mm solid var(--line); padding: 1.5mm 3mm;
  margin: 1mm 0 2mm; }
.rule.error { border-left-color: var(--error); }
.rule.warning { border-left-color: var(--warning); }
.rule.info { border-left-color: var(--info); }
footer { margin-top: 10mm; padding-top: 2mm; border-top: 2px solid var(--line);
  font-size: 8.5pt; color: var(--muted); overflow-wrap: anywhere; }
@page { size: A4; margin: 12mm 10mm; }
@media print { body { max-width: none; padding: 0; } h2 { break-before: auto; }
  .figure svg { max-height: 250mm; } }
"""


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _pct(share: float) -> str:
    if share <= 0:
        return "0%"
    if share < 0.001:
        return "<0.1%"
    return f"{share * 100:.1f}%".replace(".0%", "%")


def _times(factor: float | None) -> str:
    if factor is None:
        return "never (no load)"
    if factor < 1:
        return f"{factor:.2f}x (already)"
    return f"{factor:.3g}x" if factor < 1000 else f"{factor:,.0f}x"


def _names(ids: tuple[str, ...] | list[str], limit: int = 4) -> str:
    return names([_e(i) for i in ids], limit, and_last=False) if ids else "—"


def _who(nf: NumberedFinding) -> str:
    """``Shop DB (shop-db)``; a link as ``payment → stripe``."""
    if not nf.label or nf.label == nf.subject:
        return nf.subject
    return nf.label if nf.subject_type == "link" else f"{nf.label} ({nf.subject})"


def _finding_line(nf: NumberedFinding, *, with_rule: bool = True) -> str:
    rule = f"<strong>{_e(nf.rule_id)}</strong> " if with_rule else ""
    fix = f'<div class="fix">Fix: {_e(nf.fix)}</div>' if nf.fix else ""
    return (
        f'<li id="finding-{nf.number}"><span class="no">#{nf.number}</span> '
        f'<span class="sev {_e(nf.severity)}">{_e(nf.severity)}</span> {rule}'
        f'<span class="muted">{_e(nf.subject_type)} {_e(_who(nf))} · impact '
        f"{_pct(nf.impact)}</span><div>{_e(nf.message)}</div>{fix}</li>"
    )


def summary_html(s: Summary) -> str:
    cards = [
        f'<div class="card"><b>{s.nodes}</b>components</div>',
        f'<div class="card"><b>{s.links}</b>links</div>',
    ]
    for sev in ("error", "warning", "info"):
        word = sev if s.counts[sev] == 1 or sev == "info" else sev + "s"
        cards.append(f'<div class="card {sev}"><b>{s.counts[sev]}</b>{word}</div>')
    kinds = ", ".join(f"{_e(k)} {c}" for k, c in s.kinds) or "none"
    entries = "".join(
        f"<tr><td>{_e(e.label)} <span class='muted'>({_e(e.id)})</span></td>"
        f"<td class='num'>{_load(e.load_rps)}</td></tr>"
        for e in s.entries
    )
    entry_table = (
        f"<table><tr><th>entry</th><th class='num'>load</th></tr>{entries}</table>"
        if entries
        else "<p class='muted'>No entry: nothing sends traffic into this design.</p>"
    )
    top = "".join(_finding_line(nf) for nf in s.top)
    risks = f'<ol class="findings">{top}</ol>' if top else "<p>No error or warning.</p>"
    suppressed = f" ({s.suppressed} suppressed, not shown)" if s.suppressed else ""
    return (
        f'<section id="summary"><h2>1. Summary</h2><div class="cards">{"".join(cards)}</div>'
        f"<p><strong>Components by kind:</strong> {kinds}. <strong>Groups:</strong> "
        f"{s.groups}.{suppressed}</p><h3>Entries and their loads</h3>{entry_table}"
        f"<h3>Top {len(s.top)} risks</h3><p class='muted'>The errors and warnings that touch "
        f"the most requests (as in <code>archdesigner lint</code>).</p>{risks}</section>"
    )


def _load(rps: float | None) -> str:
    return f"{rps:g} requests/s" if rps else "no load given"


_WIDTH_PT = re.compile(r'<svg[^>]*?\bwidth="([0-9.]+)pt"')


def diagram_html(d: Diagram) -> str:
    m = _WIDTH_PT.match(d.svg)
    natural = f' style="--natural: {float(m.group(1)) * 4 / 3 + 20:.0f}px"' if m else ""
    picture = f'<div class="figure"{natural}>{d.svg}</div>' if d.svg else ""
    note = f'<p class="muted">{_e(d.note)}</p>'
    return f'<section id="diagram"><h2>2. Diagram</h2>{note}{picture}</section>'


def _failure_row(r: FailureRow, total: int) -> str:
    mark = ""
    if r.spf:
        refs = " ".join(f"#{n}" for n in r.findings)
        mark = f' <span class="spf" title="single point of failure">SPF {refs}</span>'
    width = max(0.0, min(100.0, r.share * 100))
    who = f"{r.id} · {r.kind}" if r.label != r.id else r.kind
    if r.scope == "group":
        who += " (all of it)"
    return (
        f"<tr><td><strong>{_e(r.label)}</strong>{mark}<br><small class='muted'>{_e(who)}"
        "</small></td>"
        f"<td class='num'>{r.failing} / {total}</td><td>{_names(r.entries)}</td>"
        f"<td class='num'>{_pct(r.share)}</td>"
        f'<td><div class="bar"><span style="width:{width:.1f}%"></span></div></td></tr>'
    )


def failures_html(rows: list[FailureRow], total: int, entries: int) -> str:
    shown = rows[:MAX_ROWS]
    blind = (
        "<p><strong>The design has no entry</strong> (a client, or a component with "
        "<code>load_rps</code>), so no request stops: add where users come in to see the "
        "share of requests each failure stops.</p>"
        if not entries
        else ""
    )
    body = "".join(_failure_row(r, total) for r in shown)
    more = (
        f"<p class='muted'>{len(rows) - len(shown)} more rows, each stopping less; "
        "<code>archdesigner report --json</code> lists them all.</p>"
        if len(rows) > len(shown)
        else ""
    )
    return (
        '<section id="failures"><h2>3. What fails with each component</h2>'
        "<p class='lead'>If a component (all its replicas) or a zone goes down, everything that "
        "needs it through required links fails too. Worst first, by the share of the entries' "
        "requests that stop. <span class='spf'>SPF</span> marks the single points of failure "
        f"lint reports (with their finding numbers).</p>{blind}"
        "<table><tr><th>component or zone</th>"
        "<th class='num'>fail</th><th>entries that stop</th><th class='num'>requests</th>"
        f"<th></th></tr>{body}</table>{more}</section>"
    )


def _saturation_row(s: Saturation) -> str:
    return (
        f"<tr><td>{_e(s.id)}</td><td class='num'>{s.utilization * 100:.0f}%</td>"
        f"<td class='num'>{_times(s.at_target)}</td><td class='num'>{_times(s.at_full)}</td></tr>"
    )


def growth_sentence(g: Growth, limit: int = 4) -> str:
    """``catalog saturates at 1.4x, search-api at 2.1x, ...``"""
    hits = [s for s in g.rows if s.at_full is not None and s.at_full <= g.max_factor]
    if not hits:
        return f"No component with a capacity saturates below {g.max_factor:g}x today's traffic."
    parts = [f"{_e(hits[0].id)} saturates at {_times(hits[0].at_full)}"]
    parts += [f"{_e(s.id)} at {_times(s.at_full)}" for s in hits[1:limit]]
    more = f" and {len(hits) - limit} more" if len(hits) > limit else ""
    return ", ".join(parts) + more + f" (within {g.max_factor:g}x)."


def growth_html(g: Growth, chart_svg: str) -> str:
    shown = g.rows[:MAX_ROWS]
    body = "".join(_saturation_row(s) for s in shown)
    more = (
        f"<p class='muted'>{len(g.rows) - len(shown)} more in <code>--json</code>.</p>"
        if len(g.rows) > len(shown)
        else ""
    )
    unknown = (
        f"<p><strong>Capacity unknown</strong> ({len(g.unknown)}): {_names(g.unknown, 12)}.</p>"
        if g.unknown
        else ""
    )
    target = f"{g.target:.0%}"
    if not g.rows:
        return (
            '<section id="growth"><h2>4. Growth: what saturates first</h2>'
            "<p class='lead'>No component has a capacity (<code>capacity_rps</code>), so "
            "nothing can be said about saturation. Give the components their capacities to see "
            f"which one saturates first.</p>{unknown}</section>"
        )
    return (
        '<section id="growth"><h2>4. Growth: what saturates first</h2>'
        f"<p class='lead'>{growth_sentence(g)}</p><div class='growth'>"
        f'<div class="figure">{chart_svg}</div><div><table><tr><th>component</th>'
        f"<th class='num'>today</th><th class='num'>{target} at</th>"
        f"<th class='num'>100% at</th></tr>{body}</table>{more}</div></div>{unknown}"
        "<p class='muted'>Offered load grows linearly with traffic, so a component offered L "
        "requests/s today with capacity C reaches 100% at exactly C / L times today's "
        f"traffic and {target} at {g.target:g} x C / L.</p></section>"
    )


def _rule_group(g: RuleGroup) -> str:
    why = f"<p>{inline_html(g.explanation)}</p>" if g.explanation else ""
    fix = f"<p><strong>Fix:</strong> {inline_html(g.how_to_fix)}</p>" if g.how_to_fix else ""
    shown = g.findings[:MAX_PER_RULE]
    items = "".join(_finding_line(nf, with_rule=False) for nf in shown)
    if len(g.findings) > len(shown):
        items += (
            f"<li class='muted'>… and {len(g.findings) - len(shown)} more {_e(g.rule_id)} "
            "findings; <code>archdesigner report --json</code> lists them all.</li>"
        )
    return (
        f'<h3 id="rule-{_e(g.rule_id)}"><span class="sev {_e(g.severity)}">{_e(g.severity)}'
        f"</span> {_e(g.rule_id)} {_e(g.name)} ({len(g.findings)})</h3>"
        f'<div class="rule {_e(g.severity)}"><p>{_e(g.summary)}</p>{why}{fix}</div>'
        f'<ol class="findings">{items}</ol>'
    )


def findings_html(groups: list[RuleGroup]) -> str:
    body = "".join(_rule_group(g) for g in groups) or "<p>No findings.</p>"
    return f'<section id="findings"><h2>5. Findings by rule</h2>{body}</section>'


def footer_html(r: Review) -> str:
    f = r.footer
    cfg = json.dumps(f.lint_config, sort_keys=True) if f.lint_config else "defaults"
    notes = "".join(f"<p>Note: {_e(n)}</p>" for n in r.notes)
    return (
        f"<footer><p>archdesigner {_e(f.version)} · design file <code>{_e(f.path or '-')}</code>"
        f" · SHA-256 <code>{_e(f.sha256 or 'n/a')}</code></p>"
        f"<p>Lint configuration: <code>{_e(cfg)}</code> · traffic 1x</p>{notes}</footer>"
    )


def render_html(
    review: Review, picture: Diagram, chart_svg: str, *, image_refs: bool = False
) -> str:
    """The page. ``image_refs``: the pictures as ``<img src="report:diagram">`` and
    ``report:growth`` instead of inline SVG (the app's preview supplies those images)."""
    if image_refs:
        if picture.svg:
            picture = replace(picture, svg='<img src="report:diagram">')
        chart_svg = '<img src="report:growth">'
    s = review.summary
    title = s.name or "Untitled design"
    description = f'<p class="lead">{_e(s.description)}</p>' if s.description else ""
    body = "".join(
        [
            f"<header><h1>Architecture review: {_e(title)}</h1>{description}</header>",
            summary_html(s),
            diagram_html(picture),
            failures_html(review.failures, s.nodes, len(s.entries)),
            growth_html(review.growth, chart_svg),
            findings_html(review.groups),
            footer_html(review),
        ]
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="color-scheme" content="light dark">'
        f"<title>Architecture review: {_e(title)}</title><style>{CSS}</style></head>"
        f"<body>{body}</body></html>\n"
    )
