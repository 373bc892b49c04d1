"""Hosted-model SDK calls with a literal model: OpenAI, Anthropic, Google (Gemini), Mistral,
Cohere and their LangChain wrappers. Each model becomes a CycloneDX *service*
`service:<provider>/<model>` used by the project; a model that is not a literal is skipped.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterator
from dataclasses import dataclass

from scanner.model import Component, ComponentType, Edge, Record
from scanner.references.base import CallSite

MODEL_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:@/-]{0,199}")
PROVIDERS = {
    "openai": "OpenAI",
    "azure-openai": "Azure OpenAI",
    "anthropic": "Anthropic",
    "google": "Google Gemini",
    "mistral": "Mistral AI",
    "cohere": "Cohere",
}
# (callee glob, provider, positional index of the model or None)
CALLS: tuple[tuple[str, str, int | None], ...] = (
    ("openai*.create", "openai", None),
    ("openai*.parse", "openai", None),
    ("openai*.stream", "openai", None),
    ("openai*.generate", "openai", None),
    ("anthropic*.create", "anthropic", None),
    ("anthropic*.stream", "anthropic", None),
    ("anthropic*.count_tokens", "anthropic", None),
    ("google.generativeai*.GenerativeModel", "google", 0),
    ("google.generativeai.embed_content", "google", None),
    ("vertexai*.GenerativeModel", "google", 0),
    ("google.genai*.Client().*models.*", "google", None),
    ("google.genai*.Client().*chats.create", "google", None),
    ("mistralai*.complete", "mistral", None),
    ("mistralai*.stream", "mistral", None),
    ("mistralai*.create", "mistral", None),
    ("mistralai*.MistralClient().chat", "mistral", None),
    ("mistralai*.MistralClient().chat_stream", "mistral", None),
    ("mistralai*.MistralClient().embeddings", "mistral", None),
    ("cohere*().chat", "cohere", None),
    ("cohere*().chat_stream", "cohere", None),
    ("cohere*().embed", "cohere", None),
    ("cohere*().rerank", "cohere", None),
    ("cohere*().generate", "cohere", None),
    ("cohere*().classify", "cohere", None),
    ("langchain_openai*.ChatOpenAI", "openai", None),
    ("langchain_openai*.OpenAIEmbeddings", "openai", None),
    ("langchain_openai*.AzureChatOpenAI", "azure-openai", None),
    ("langchain_anthropic*.ChatAnthropic", "anthropic", None),
    ("langchain_google_genai*.ChatGoogleGenerativeAI", "google", None),
    ("langchain_mistralai*.ChatMistralAI", "mistral", None),
    ("langchain_cohere*.ChatCohere", "cohere", None),
)
MODEL_KEYWORDS = ("model", "model_name", "deployment_name", "azure_deployment")


def entry_for(callee: str) -> tuple[str, int | None] | None:
    """(provider, positional index of the model) of the first CALLS entry matching."""
    for glob, provider, index in CALLS:
        if fnmatch.fnmatchcase(callee, glob):
            if provider == "openai" and "Azure" in callee:
                return "azure-openai", index
            return provider, index
    return None


@dataclass(frozen=True, slots=True)
class HostedModels:
    """Models reached over a provider's API, as services."""

    name: str = "hosted-apis"
    callees: tuple[str, ...] = tuple(glob for glob, _, _ in CALLS)

    def match(self, call: CallSite) -> Iterator[Record]:
        """One service per literal model name."""
        entry = entry_for(call.callee)
        if entry is None:
            return
        provider, index = entry
        model = call.string(index, *MODEL_KEYWORDS)
        if model is None or not MODEL_NAME.fullmatch(model.strip()):
            return
        model = model.strip()
        if provider == "google":
            model = model.removeprefix("models/")
        ref = f"service:{provider}/{model}"
        props = [("aibom:provider", provider), ("aibom:api", call.callee)]
        if call.cell is not None:
            props.append(("aibom:notebook-cell", str(call.cell)))
        yield Component(
            bom_ref=ref,
            type=ComponentType.SERVICE,
            name=model,
            description=f"{PROVIDERS[provider]} API model",
            locations=(call.location,),
            origin=call.origin,
            properties=tuple(props),
        )
        yield Edge(parent=call.project, child=ref)
