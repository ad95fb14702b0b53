"""LangChain pipeline behind the FAQ bot, which predates the rest of the app."""

from __future__ import annotations

from langchain_openai import ChatOpenAI, OpenAIEmbeddings

from support_desk.models import EMBEDDING_MODEL

faq_llm = ChatOpenAI(model="gpt-4o-mini", temperature=0.3)
faq_embeddings = OpenAIEmbeddings(model=EMBEDDING_MODEL)


def answer_faq(question: str, faq_text: str) -> str:
    """Answer only from the FAQ so the bot cannot invent policies."""
    message = faq_llm.invoke([("system", f"Answer only from this FAQ:\n{faq_text}"), ("human", question)])
    return str(message.content)


def embed_faq(entries: list[str]) -> list[list[float]]:
    """Vectors for the FAQ index, rebuilt whenever the FAQ page changes."""
    return faq_embeddings.embed_documents(entries)
