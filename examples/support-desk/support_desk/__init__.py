"""Support desk: triages, drafts and searches customer-support tickets with OpenAI models."""

__version__ = "0.3.1"
