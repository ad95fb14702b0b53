"""Embeddings for two texts; prints how many vectors came back and the start of each."""

from openai import OpenAI

client = OpenAI()
result = client.embeddings.create(model="text-embedding-3-small", input=["hello world", "你好，世界"])
print("vectors:", len(result.data))
for item in result.data:
    print(item.index, [round(x, 4) for x in item.embedding[:4]], all(isinstance(x, float) for x in item.embedding))
