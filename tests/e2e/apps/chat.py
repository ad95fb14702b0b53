"""A chat completion with a system prompt; temperature 1.3 is valid for OpenAI, above some providers' range."""

from openai import OpenAI

client = OpenAI()
response = client.chat.completions.create(
    model="gpt-4o-mini",
    messages=[
        {"role": "system", "content": "You are a terse assistant."},
        {"role": "user", "content": "Name three rivers in China"},
    ],
    temperature=1.3,
    max_tokens=200,
)
choice = response.choices[0]
print(choice.message.content)
print("finish:", choice.finish_reason)
