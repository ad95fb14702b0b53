"""A tool round trip: the model asks for get_weather, the program runs it and sends the result back."""

import json

from openai import OpenAI

TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "Current weather in a city",
            "parameters": {
                "type": "object",
                "properties": {"city": {"type": "string"}},
                "required": ["city"],
            },
        },
    }
]


def get_weather(city: str) -> str:
    return f"sunny in {city}, 21 degrees"


client = OpenAI()
messages = [{"role": "user", "content": "What is the weather in Hangzhou"}]
first = client.chat.completions.create(model="gpt-4o", messages=messages, tools=TOOLS, tool_choice="auto")
message = first.choices[0].message
print("finish:", first.choices[0].finish_reason)
messages.append(message.model_dump(exclude_none=True))
for call in message.tool_calls:
    arguments = json.loads(call.function.arguments)
    print("call:", call.function.name, arguments)
    messages.append({"role": "tool", "tool_call_id": call.id, "content": get_weather(**arguments)})
final = client.chat.completions.create(model="gpt-4o", messages=messages, tools=TOOLS)
print("answer:", final.choices[0].message.content)
