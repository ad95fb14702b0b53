"""A streamed chat completion: every delta is printed as it arrives, between bars."""

from openai import OpenAI

client = OpenAI()
stream = client.chat.completions.create(
    model="gpt-4o",
    messages=[{"role": "user", "content": "Count from one to five slowly please"}],
    stream=True,
    temperature=0.2,
)
for chunk in stream:
    if chunk.choices and chunk.choices[0].delta.content:
        print(chunk.choices[0].delta.content, end="|")
print()
