"""Command-line entry point: `support-desk triage|draft|summarize TICKET_FILE`."""

from __future__ import annotations

import argparse
from pathlib import Path

from support_desk.clients import client
from support_desk.legacy_summarizer import summarize_ticket
from support_desk.replies import stream_reply
from support_desk.tokens import trim_to_budget
from support_desk.triage import TicketTriager


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="support-desk")
    parser.add_argument("command", choices=["triage", "draft", "summarize"])
    parser.add_argument("ticket_file", type=Path)
    args = parser.parse_args(argv)

    messages = args.ticket_file.read_text(encoding="utf-8").split("\n\n")
    ticket_text = "\n\n".join(trim_to_budget(messages))
    if args.command == "triage":
        for team, urgency in TicketTriager().classify(ticket_text, customer_id="cli"):
            print(f"{team}\t{urgency}")
    elif args.command == "draft":
        for piece in stream_reply(client, ticket_text):
            print(piece, end="", flush=True)
        print()
    else:
        print(summarize_ticket(ticket_text))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
