"""Hosted-model SDK calls as services."""

from __future__ import annotations

from pathlib import Path

from scanner.model import ComponentType
from tests.scanner.references.refs import components, edges, scan, snippet


def test_clients_held_on_self_and_default_arguments() -> None:
    records = scan("rag-service", "rag_service/generate.py")
    services = {r: c for r, c in components(records).items() if c.type is ComponentType.SERVICE}
    assert set(services) == {
        "service:openai/gpt-4o-mini",
        "service:anthropic/claude-3-5-sonnet-20241022",
        "service:google/gemini-2.0-flash",
    }
    openai = services["service:openai/gpt-4o-mini"]
    assert (openai.name, openai.locations[0].line) == ("gpt-4o-mini", 29)
    assert ("aibom:provider", "openai") in openai.properties
    assert ("project:.", "service:anthropic/claude-3-5-sonnet-20241022") in edges(records)


def test_other_providers_and_non_literals(tmp_path: Path) -> None:
    code = (
        "import cohere\n"
        "from mistralai import Mistral\n"
        "from openai import AzureOpenAI\n"
        "import google.generativeai as genai\n"
        "from langchain_anthropic import ChatAnthropic\n"
        "co = cohere.ClientV2()\n"
        "co.embed(model='embed-english-v3.0', texts=[])\n"
        "Mistral(api_key='k').chat.complete(model='mistral-large-latest', messages=[])\n"
        "AzureOpenAI().chat.completions.create(model='my-deployment', messages=[])\n"
        "genai.GenerativeModel('models/gemini-1.5-pro')\n"
        "ChatAnthropic(model='claude-3-haiku-20240307')\n"
        "def ask(client, name):\n"
        "    return client.chat.completions.create(model=name)\n"
        "from openai import OpenAI\n"
        "OpenAI().files.create(file=open('x', 'rb'), purpose='batch')\n"
    )
    services = set(components(snippet(tmp_path, code)))
    assert services == {
        "service:cohere/embed-english-v3.0",
        "service:mistral/mistral-large-latest",
        "service:azure-openai/my-deployment",
        "service:google/gemini-1.5-pro",
        "service:anthropic/claude-3-haiku-20240307",
    }


def test_annotated_parameter_is_an_instance(tmp_path: Path) -> None:
    code = (
        "import anthropic\n"
        "def ask(client: anthropic.Anthropic):\n"
        "    client.messages.create(model='claude-3-opus-20240229', max_tokens=1, messages=[])\n"
    )
    assert set(components(snippet(tmp_path, code))) == {"service:anthropic/claude-3-opus-20240229"}
