"""JSON mode: the answer is parsed as JSON and printed field by field."""

import json

from openai import OpenAI

client = OpenAI()
response = client.chat.completions.create(
    model="gpt-4o-mini",
    messages=[
        {"role": "system", "content": "Answer in JSON."},
        {"role": "user", "content": "Describe the Great Wall in five words"},
    ],
    response_format={"type": "json_object"},
)
for key, value in sorted(json.loads(response.choices[0].message.content).items()):
    print(f"{key} = {value}")
