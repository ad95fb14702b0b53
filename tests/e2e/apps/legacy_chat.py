"""chat.py written for openai<1.0: module-level calls and dict access.

It cannot run on the v1 SDK until it is migrated; afterwards it must print what chat.py prints.
"""

import os

import openai

openai.api_key = os.getenv("OPENAI_API_KEY")

response = openai.ChatCompletion.create(
    model="gpt-4o-mini",
    messages=[
        {"role": "system", "content": "You are a terse assistant."},
        {"role": "user", "content": "Name three rivers in China"},
    ],
    temperature=1.3,
    max_tokens=200,
)
print(response["choices"][0]["message"]["content"])
print("finish:", response["choices"][0]["finish_reason"])
