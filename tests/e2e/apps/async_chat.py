"""Two chat completions at once through the asyncio client; answers are printed in question order."""

import asyncio

from openai import AsyncOpenAI

QUESTIONS = ["What is the capital of Zhejiang", "Translate good morning into Chinese"]


async def ask(client: AsyncOpenAI, question: str) -> str:
    response = await client.chat.completions.create(
        model="gpt-4o-mini",
        messages=[{"role": "user", "content": question}],
        top_p=1.0,
    )
    return response.choices[0].message.content


async def main() -> None:
    client = AsyncOpenAI()
    for question, answer in zip(QUESTIONS, await asyncio.gather(*(ask(client, q) for q in QUESTIONS))):
        print(f"{question} -> {answer}")


asyncio.run(main())
