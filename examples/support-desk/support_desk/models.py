"""Which model each support-desk task runs on, kept in one place so costs can be tuned."""

DEFAULT_MODEL = "gpt-4o-mini"
REASONING_MODEL = "o3-mini"
EMBEDDING_MODEL = "text-embedding-3-small"

TASK_MODELS: dict[str, str] = {
    "triage": "gpt-4o-mini",
    "reply": "gpt-4o",
    "extract": "gpt-4o-2024-08-06",
    "summarize": "gpt-3.5-turbo",
    "escalation_review": REASONING_MODEL,
}


def model_for(task: str) -> str:
    """Fall back to the cheap default so a newly added task never fails for want of a mapping."""
    return TASK_MODELS.get(task, DEFAULT_MODEL)
