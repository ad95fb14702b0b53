"""The audit as GitHub-flavoured Markdown, shaped to be posted as a pull-request comment.

A reviewer sees the verdict and the totals first; each file's findings sit in a
collapsed section so a large audit does not bury the conversation. Rows are capped
per file and in total, since GitHub rejects comments over 65,536 characters; the
JSON and SARIF reports always hold everything.
"""

from __future__ import annotations

import html
import re

from banjia.model import AuditResult, FileResult, Finding
from banjia.report.labels import judged_on, location_label, plural, reasons_of, verdict_counts
from banjia.report.summary import Counts, Summary, summarize

DEFAULT_MAX_ROWS_PER_FILE = 20
# A row is at most about 250 characters (snippets are cut at _SNIPPET_WIDTH), so the
# default total keeps a comment well inside GitHub's limit.
DEFAULT_MAX_ROWS = 200
_SNIPPET_WIDTH = 100

# Characters that start Markdown syntax inside running text; backslash escapes
# work for any ASCII punctuation in CommonMark, so escaping them is always safe.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&#!])")
_BACKTICK_RUNS = re.compile(r"`+")


def render_markdown(
    result: AuditResult,
    *,
    max_rows_per_file: int = DEFAULT_MAX_ROWS_PER_FILE,
    max_rows: int = DEFAULT_MAX_ROWS,
) -> str:
    """Render `result` with at most `max_rows_per_file` rows per file and `max_rows` in all.

    Files are shown in path order until the total is spent (a file with only an
    error counts as one row); the rest are counted in a closing line.
    """
    if max_rows_per_file < 1 or max_rows < 1:
        raise ValueError("max_rows_per_file and max_rows must be at least 1")
    summary = summarize(result)
    reported = sorted((fr for fr in result.files if fr.findings or fr.error), key=lambda fr: fr.path)

    lines = ["## banjia: OpenAI usage audit", "", _verdict(summary), ""]
    lines += _totals_table(summary)
    lines += _breakdown(summary)
    if reported:
        lines += ["", "### Files", ""]
    budget = max_rows
    for shown, file_result in enumerate(reported):
        if budget == 0:
            hidden = len(reported) - shown
            lines += [f"… and {plural(hidden, 'more file')} not shown; see the JSON or SARIF report.", ""]
            break
        rows = min(len(file_result.findings), max_rows_per_file, budget)
        lines += _file_section(file_result, rows, judged=result.target is not None)
        budget -= max(rows, 1)
    return "\n".join(lines).rstrip("\n") + "\n"


def _verdict(summary: Summary) -> str:
    broken = len(summary.unprocessable)
    if summary.findings == 0:
        verdict = f"**No OpenAI usage found** in {plural(summary.files_scanned, 'scanned file')}."
    else:
        verdict = (
            f"**Found {plural(summary.findings, 'OpenAI usage')} in "
            f"{plural(summary.files_with_findings, 'file')}** "
            f"({summary.certain} certain, {summary.likely} likely)."
        )
    if broken:
        verdict += f" {plural(broken, 'file')} could not be analysed."
    if summary.target is not None:
        verdict += (f"\n\n**Call sites for {code_span(summary.target)}{judged_on(summary.strategy)}:** "
                    f"{verdict_counts(summary.verdicts)}.")
    return verdict


def _totals_table(summary: Summary) -> list[str]:
    rows = [(name[0].upper() + name[1:], count) for name, count in summary.totals()]
    return ["| | Count |", "| --- | ---: |", *(f"| {name} | {count} |" for name, count in rows)]


def _breakdown(summary: Summary) -> list[str]:
    groups: list[tuple[str, Counts]] = [
        ("Kinds", summary.by_kind),
        ("APIs called", summary.calls_by_api),
        ("Models", summary.models),
        ("Parameters", summary.parameters),
        ("Environment variables", summary.env_vars),
        ("Dependencies", summary.dependencies),
    ]
    items = [
        f"- **{title}:** " + ", ".join(f"{code_span(name)} ({count})" for name, count in counts)
        for title, counts in groups
        if counts
    ]
    return ["", *items] if items else []


def _file_section(file_result: FileResult, rows: int, *, judged: bool) -> list[str]:
    """One collapsed section showing the first `rows` findings of the file."""
    path = f"<code>{html.escape(file_result.path)}</code>"
    findings = sorted(file_result.findings, key=lambda f: f.sort_key())
    if file_result.error is not None:
        headline = f"{path}: could not be analysed"
    else:
        headline = f"{path}: {plural(len(findings), 'finding')}"
    lines = ["<details>", f"<summary>{headline}</summary>", ""]
    if file_result.error is not None:
        lines += [f"Could not be analysed: {escape_text(file_result.error, one_line=True)}", ""]
    if findings:
        if judged:
            lines += ["| Line | Kind | What | Confidence | Verdict |", "| ---: | --- | --- | --- | --- |"]
        else:
            lines += ["| Line | Kind | What | Confidence |", "| ---: | --- | --- | --- |"]
        lines += [_row(finding, judged) for finding in findings[:rows]]
        hidden = len(findings) - rows
        if hidden > 0:
            lines += ["", f"… and {plural(hidden, 'more finding')} in this file."]
        lines.append("")
    lines += ["</details>", ""]
    return lines


def _row(finding: Finding, judged: bool) -> str:
    what = escape_text(finding.message, one_line=True)
    snippet = _shortened(_flattened(finding.snippet))
    if snippet:
        what += "<br>" + code_span(snippet, in_table=True)
    cells = [
        location_label(finding.span),
        code_span(finding.kind.value, in_table=True),
        what,
        finding.confidence.value,
    ]
    if judged:
        cells.append(_verdict_cell(finding))
    return "| " + " | ".join(cells) + " |"


def _verdict_cell(finding: Finding) -> str:
    """The verdict in bold, then each reason on its own line."""
    verdict = finding.data.get("verdict")
    if not isinstance(verdict, str):
        return ""
    reasons = [escape_text(reason, one_line=True) for reason in reasons_of(finding.data)]
    return "<br>".join([f"**{escape_text(verdict)}**", *reasons])


def escape_text(text: str, *, one_line: bool = False) -> str:
    """Plain text that Markdown shows verbatim; `one_line` for table cells and the like."""
    if one_line:
        text = _flattened(text)
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def code_span(text: str, *, in_table: bool = False) -> str:
    """`text` as inline code, whatever backticks it contains.

    The fence is one backtick longer than the longest run inside, and padded with a
    space when the text starts or ends with a backtick (CommonMark strips one space
    from each side). In a table cell `|` must still be escaped, even inside code:
    GitHub splits cells before it parses code spans.
    """
    longest = max((len(run) for run in _BACKTICK_RUNS.findall(text)), default=0)
    fence = "`" * (longest + 1)
    if text.startswith("`") or text.endswith("`") or (text.startswith(" ") and text.endswith(" ")):
        text = f" {text} "
    if in_table:
        text = text.replace("|", "\\|")
    return f"{fence}{text}{fence}"


def _flattened(text: str) -> str:
    """One line: table rows cannot span lines, and runs of indentation add nothing."""
    return " ".join(text.split())


def _shortened(text: str) -> str:
    return text if len(text) <= _SNIPPET_WIDTH else text[: _SNIPPET_WIDTH - 1] + "…"
