"""Lets the assistant look up an order's status through a function call before it answers."""

from __future__ import annotations

import json

from openai import OpenAI
from openai.types.chat import ChatCompletionMessageParam, ChatCompletionToolParam

from support_desk.models import model_for

ORDER_STATUS_TOOL: ChatCompletionToolParam = {
    "type": "function",
    "function": {
        "name": "get_order_status",
        "description": "Look up the shipping status of an order by its id.",
        "parameters": {
            "type": "object",
            "properties": {"order_id": {"type": "string"}},
            "required": ["order_id"],
        },
    },
}


def get_order_status(order_id: str) -> dict[str, str]:
    """Stand-in for the order service client, which lives behind the internal API."""
    return {"order_id": order_id, "status": "shipped", "carrier": "SF Express"}


def answer_with_order_lookup(client: OpenAI, question: str) -> str:
    """One round trip: the model asks for the tool, we run it, then the model writes the answer."""
    messages: list[ChatCompletionMessageParam] = [
        {"role": "system", "content": "Call get_order_status whenever a customer asks about an order."},
        {"role": "user", "content": question},
    ]
    first = client.chat.completions.create(
        model=model_for("reply"),
        messages=messages,
        tools=[ORDER_STATUS_TOOL],
        tool_choice="auto",
    )
    message = first.choices[0].message
    if not message.tool_calls:
        return message.content or ""

    messages.append(message)
    for call in message.tool_calls:
        arguments = json.loads(call.function.arguments)
        messages.append(
            {
                "role": "tool",
                "tool_call_id": call.id,
                "content": json.dumps(get_order_status(arguments["order_id"])),
            }
        )
    second = client.chat.completions.create(model=model_for("reply"), messages=messages, tools=[ORDER_STATUS_TOOL])
    return second.choices[0].message.content or ""
