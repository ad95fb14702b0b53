"""A migration's hunks as SARIF fixes, and as results for hunks no audit finding holds.

A fix replaces one hunk's lines: its `deletedRegion` is the hunk's original text
and its `insertedContent` the migrated text, so applying every fix of a file gives
the migrated file byte for byte (as decoded text). The changes that explain the hunk
are its description. Code scanning shows a fix as a suggested change.
"""

from __future__ import annotations

from typing import Any

from banjia.report.hunks import CONCERNS, Hunk
from banjia.report.sarif_locations import TextPositions, artifact_location

CHANGE_RULE_IDS = tuple(f"banjia/migrate/{concern}" for concern in CONCERNS)

_CONCERN_TITLES = (
    "Points the code at the new provider",
    "Maps an OpenAI model name",
    "Adapts a call parameter",
    "Updates a dependency pin or environment template",
)

_CONCERN_HELP = (
    "Clients get the provider's key and base URL, imports and legacy openai<1.0 calls "
    "are brought to the v1 client, wrapper libraries are pointed at the provider.",
    "An OpenAI model name is replaced by the provider's equivalent from the rule file.",
    "A parameter is clamped, renamed, moved into extra_body or added, as the provider's rule file says.",
    "A dependency pin is raised to the v1 SDK, or an environment template gains the provider's variables.",
)


def change_rules() -> list[dict[str, Any]]:
    """One rule per concern, in CONCERNS order."""
    return [
        {
            "id": rule_id,
            "name": "Migrate" + "".join(part.capitalize() for part in concern.split("-")),
            "shortDescription": {"text": title},
            "fullDescription": {"text": help_text},
            "help": {"text": help_text, "markdown": f"**{title}.** {help_text}"},
            "defaultConfiguration": {"level": "warning"},
            "properties": {"tags": ["openai", "migration", "fix"]},
        }
        for rule_id, concern, title, help_text in zip(CHANGE_RULE_IDS, CONCERNS, _CONCERN_TITLES, _CONCERN_HELP,
                                                      strict=True)
    ]


def hunk_description(hunk: Hunk, provider: str) -> str:
    """What the hunk does, from the changes behind it."""
    messages = [change.message + (" [unsafe]" if change.safety != "safe" else "") for change in hunk.changes]
    return "; ".join(messages) if messages else f"Rewritten for {provider}."


def sarif_fix(hunk: Hunk, positions: TextPositions, provider: str) -> dict[str, Any]:
    return {
        "description": {"text": hunk_description(hunk, provider)},
        "artifactChanges": [
            {
                "artifactLocation": artifact_location(hunk.path),
                "replacements": [
                    {
                        "deletedRegion": positions.region(hunk.offset, len(hunk.deleted)),
                        "insertedContent": {"text": hunk.inserted},
                    }
                ],
            }
        ],
    }


def hunk_result(hunk: Hunk, positions: TextPositions, provider: str, rule_index: int) -> dict[str, Any]:
    """A result for one pending hunk, with its fix; the caller adds the fingerprint."""
    return {
        "ruleId": CHANGE_RULE_IDS[hunk.concern],
        "ruleIndex": rule_index,
        "level": "warning",
        "message": {"text": f"Migration to {provider}: {hunk_description(hunk, provider)}"},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": artifact_location(hunk.path),
                    "region": positions.region(hunk.offset, len(hunk.deleted)),
                }
            }
        ],
        "fixes": [sarif_fix(hunk, positions, provider)],
        "properties": {
            "concern": hunk.concern_name,
            "changes": [
                {"category": c.category, "message": c.message, "safety": c.safety} for c in hunk.changes
            ],
        },
    }
