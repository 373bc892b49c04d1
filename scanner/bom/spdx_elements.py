"""One component as an SPDX 3.0.1 element: which class, and the fields the scan can fill.

Class by component type: a model (and a hosted model reached over an API) is an
`ai_AIPackage`, a dataset a `dataset_DatasetPackage`, a file a `software_File`, anything
else a `software_Package`, each with its `software_primaryPurpose`.

What the AI and Dataset profiles require of a package and the scan cannot know is written
as SPDX's "no assertion", never guessed: `NOASSERTION` for an unknown version or download
location (the SPDX 2 token; both fields are plain strings / URIs in 3.0.1) and the shared
`NOASSERTION` agent for an unknown supplier or originator. Known values come from the
component: the purl (canonical form, as `software_packageUrl` and a `packageUrl` external
identifier), its distribution link or the hub page its purl names (as the download
location), the hub namespace (as supplier / originator), hashes (as `verifiedUsing`),
links (as `externalRef`), model facts and dataset facts (`scanner.aiinfo`).

Ids here are local (`package/<bom-ref>`, `agent/<hub>/<name>`): `spdx_document` makes
them IRIs under the document's namespace.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import quote

from packageurl import PackageURL

from scanner import aiinfo
from scanner.bom.validate import clean_url
from scanner.identity import canonical_purl
from scanner.model import Component, ComponentType, ExternalRef, Hash

Json = dict[str, Any]
CREATION_INFO = "_:creationinfo"
NOASSERTION = "NOASSERTION"
NOASSERTION_AGENT = "agent/NOASSERTION"
HUB_SITES = {"huggingface": "https://huggingface.co", "github": "https://github.com"}
COMMIT = re.compile(r"[0-9a-f]{40}")
HEX = re.compile(r"[0-9a-fA-F]+")
SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
ID_SAFE_CHARS = ":/@!$&()*+,;=-._~"  # kept as they are in ids, with letters and digits
ID_SAFE = re.compile(r"[A-Za-z0-9:/@!$&()*+,;=\-._~]*")
CLASSES = {
    ComponentType.MODEL: ("ai_AIPackage", "model"),
    ComponentType.SERVICE: ("ai_AIPackage", "model"),
    ComponentType.DATA: ("dataset_DatasetPackage", "data"),
    ComponentType.FILE: ("software_File", "file"),
    ComponentType.APPLICATION: ("software_Package", "application"),
    ComponentType.LIBRARY: ("software_Package", "library"),
}
PACKAGE_CLASSES = frozenset(("software_Package", "ai_AIPackage", "dataset_DatasetPackage"))
# CycloneDX spelling -> (SPDX HashAlgorithm, hex digits)
HASHES = {
    "MD5": ("md5", 32),
    "SHA-1": ("sha1", 40),
    "SHA-256": ("sha256", 64),
    "SHA-384": ("sha384", 96),
    "SHA-512": ("sha512", 128),
    "SHA3-256": ("sha3_256", 64),
    "SHA3-384": ("sha3_384", 96),
    "SHA3-512": ("sha3_512", 128),
    "BLAKE2b-256": ("blake2b256", 64),
    "BLAKE2b-384": ("blake2b384", 96),
    "BLAKE2b-512": ("blake2b512", 128),
    "BLAKE3": ("blake3", 64),
}
# our external-reference types (CycloneDX spelling) -> SPDX ExternalRefType
REF_TYPES = {
    "vcs": "vcs",
    "documentation": "documentation",
    "issue-tracker": "issueTracker",
    "license": "license",
    "release-notes": "releaseNotes",
    "mailing-list": "mailingList",
    "chat": "chat",
    "social": "socialMedia",
    "support": "support",
    "funding": "funding",
    "build-meta": "buildMeta",
    "build-system": "buildSystem",
    "distribution": "altDownloadLocation",
    "website": "altWebPage",
    "homepage": "altWebPage",
}
# Hugging Face task-category prefixes -> SPDX DatasetType
DATASET_TYPES = (
    ("text", "text"),
    ("token-classification", "text"),
    ("question-answering", "text"),
    ("table-question-answering", "structured"),
    ("summarization", "text"),
    ("translation", "text"),
    ("fill-mask", "text"),
    ("sentence-similarity", "text"),
    ("zero-shot-classification", "text"),
    ("feature-extraction", "text"),
    ("image", "image"),
    ("object-detection", "image"),
    ("depth-estimation", "image"),
    ("mask-generation", "image"),
    ("visual-question-answering", "image"),
    ("audio", "audio"),
    ("automatic-speech-recognition", "audio"),
    ("voice-activity-detection", "audio"),
    ("video", "video"),
    ("tabular", "structured"),
    ("time-series", "timeseries"),
    ("graph", "graph"),
)


def local_id(kind: str, key: str) -> str:
    """A local id: `kind/` and the key with everything an IRI path may not hold escaped."""
    if ID_SAFE.fullmatch(key):  # nothing to escape (most keys): skip `quote`
        return f"{kind}/{key}"
    return f"{kind}/{quote(key, safe=ID_SAFE_CHARS)}"


def package_id(bom_ref: str) -> str:
    """The local id of the element for the component `bom_ref`."""
    return local_id("package", bom_ref)


@dataclass(frozen=True, slots=True)
class Supplier:
    """Who distributes a model or dataset: a hub account or an API provider."""

    id: str
    name: str
    comment: str


def element(comp: Component, facts: Iterable[tuple[str, str]] = ()) -> Json:
    """The element for `comp`; `facts` are (relation, ref) lineage pairs (for AIPackage)."""
    kind, purpose = CLASSES[comp.type]
    out: Json = {"type": kind, "spdxId": package_id(comp.bom_ref), "creationInfo": CREATION_INFO}
    out["name"] = comp.name
    if comp.description:
        out["description"] = comp.description
    if comp.type is ComponentType.SERVICE:
        out["comment"] = "A hosted model used over its provider's API; not distributed."
    purl = canonical_purl(comp.purl)
    if kind in PACKAGE_CLASSES:
        _package_fields(out, comp, kind, purl)
    if purl:
        identifier = {"type": "ExternalIdentifier", "externalIdentifierType": "packageUrl"}
        out["externalIdentifier"] = [{**identifier, "identifier": purl}]
    skip = {out.get("software_downloadLocation"), out.get("software_homePage")}
    if refs := external_refs(comp.external_refs, skip=skip):
        out["externalRef"] = refs
    out["software_primaryPurpose"] = purpose
    if hashes := integrity(comp.hashes):
        out["verifiedUsing"] = hashes
    if kind == "ai_AIPackage":
        out.update(model_fields(comp, facts))
    elif kind == "dataset_DatasetPackage":
        out.update(dataset_fields(comp))
    return out


def _package_fields(out: Json, comp: Component, kind: str, purl: str | None) -> None:
    required = kind != "software_Package"  # what the AI and Dataset profiles require
    if comp.version:
        out["software_packageVersion"] = comp.version
    elif required:
        out["software_packageVersion"] = NOASSERTION
    if location := download_location(comp, purl):
        out["software_downloadLocation"] = location
    elif required:
        out["software_downloadLocation"] = NOASSERTION
    if purl:
        out["software_packageUrl"] = purl
    if page := home_page(comp.external_refs):
        out["software_homePage"] = page
    if required:
        agent = supplier(comp, purl)
        out["suppliedBy"] = agent.id if agent else NOASSERTION_AGENT
        if kind == "dataset_DatasetPackage":
            out["originatedBy"] = [agent.id if agent else NOASSERTION_AGENT]


def model_fields(comp: Component, lineage: Iterable[tuple[str, str]]) -> Json:
    """`ai_*` fields from the model facts: task as domain, family and architecture as type."""
    facts = aiinfo.model_facts(comp)
    out: Json = {}
    if facts.task:
        out["ai_domain"] = [facts.task]
    types = sorted({t for t in (facts.family, facts.architecture) if t})
    if types:
        out["ai_typeOfModel"] = types
    if facts.relation and any(rel == aiinfo.BASE_MODEL for rel, _ in lineage):
        out["ai_informationAboutTraining"] = f"base_model_relation: {facts.relation}"
    return out


def dataset_fields(comp: Component) -> Json:
    """`dataset_*` fields: the types its task categories imply (else noAssertion)."""
    facts = aiinfo.dataset_facts(comp)
    out: Json = {}
    if facts.pretty_name:
        out["summary"] = facts.pretty_name
    out["dataset_datasetType"] = dataset_types(facts.task_categories)
    return out


def dataset_types(categories: Iterable[str]) -> list[str]:
    """SPDX dataset types for Hugging Face task categories; `noAssertion` when none maps."""
    found = set()
    for category in categories:
        for prefix, kind in DATASET_TYPES:
            if category == prefix or category.startswith(prefix + "-"):
                found.add(kind)
                break
    return sorted(found) or ["noAssertion"]


def absolute(url: str) -> str | None:
    """`url` made a valid IRI (`clean_url`) when it is absolute (has a scheme), else None."""
    cleaned = clean_url(url)
    return cleaned if cleaned and SCHEME.match(cleaned) else None


@lru_cache(maxsize=1 << 14)  # each model's purl is asked for its page, supplier and agent
def hub_purl(purl: str | None) -> PackageURL | None:
    """`purl` parsed when it names a repository on a hub we know, with a namespace (and no
    qualifier: a `repository_url` names another hub than the default one)."""
    if not purl or not purl.startswith(tuple(f"pkg:{hub}/" for hub in HUB_SITES)):
        return None
    parsed = PackageURL.from_string(purl)
    return parsed if parsed.namespace and not parsed.qualifiers else None


def download_location(comp: Component, purl: str | None) -> str | None:
    """Its first distribution link, else the hub page its purl names (the commit's tree)."""
    links = sorted(
        url
        for ref in comp.external_refs
        if ref.type == "distribution" and (url := absolute(ref.url)) is not None
    )
    if links:
        return links[0]
    parsed = hub_purl(purl)
    if parsed is None:
        return None
    page = f"{HUB_SITES[parsed.type]}/{parsed.namespace}/{parsed.name}"
    if parsed.version and (COMMIT.fullmatch(parsed.version) or parsed.type == "github"):
        page += f"/tree/{quote(parsed.version, safe='')}"
    return clean_url(page)


def supplier(comp: Component, purl: str | None) -> Supplier | None:
    """The hub account (purl namespace) or API provider that distributes `comp`."""
    if comp.type is ComponentType.SERVICE:
        provider = next((v for k, v in comp.properties if k == "aibom:provider" and v), None)
        if provider:
            return Supplier(local_id("agent/api", provider), provider, "API provider")
        return None
    parsed = hub_purl(purl)
    if parsed is None or parsed.namespace is None:
        return None
    parts = parsed.namespace.split("/")
    if parsed.type == "huggingface" and parts[0] == "datasets":
        parts = parts[1:]  # the datasets/<org> convention (facts §2)
    if len(parts) != 1 or not parts[0]:
        return None
    account = parts[0]
    site = HUB_SITES[parsed.type]
    return Supplier(local_id(f"agent/{parsed.type}", account), account, f"{site}/{account}")


def suppliers(components: Iterable[Component]) -> Iterator[Supplier]:
    """Every distinct supplier the AI and dataset packages of `components` name."""
    for comp in components:
        kind = CLASSES[comp.type][0]
        if kind in ("ai_AIPackage", "dataset_DatasetPackage"):
            found = supplier(comp, canonical_purl(comp.purl))
            yield found or Supplier(NOASSERTION_AGENT, NOASSERTION, "supplier not determined")


def agent(found: Supplier) -> Json:
    """The Agent element of a supplier (person or organisation: the scan cannot tell)."""
    return {
        "type": "Agent",
        "spdxId": found.id,
        "creationInfo": CREATION_INFO,
        "name": found.name,
        "comment": found.comment,
    }


def integrity(hashes: Iterable[Hash]) -> list[Json]:
    """`Hash` entries for the digests SPDX names and whose length fits the algorithm."""
    found = set()
    for item in hashes:
        spec = HASHES.get(item.alg)
        if spec and len(item.value) == spec[1] and HEX.fullmatch(item.value):
            found.add((spec[0], item.value.lower()))
    return [{"type": "Hash", "algorithm": a, "hashValue": v} for a, v in sorted(found)]


def home_page(refs: Iterable[ExternalRef]) -> str | None:
    """The first of its home page / website links that is a URI."""
    pages = (absolute(r.url) for r in refs if r.type in ("homepage", "website"))
    return min((page for page in pages if page is not None), default=None)


def external_refs(refs: Iterable[ExternalRef], skip: set[str | None]) -> list[Json]:
    """`ExternalRef` entries for links that are URIs (download location and home page left
    out: they have fields of their own)."""
    found = set()
    for ref in refs:
        url = absolute(ref.url)
        if url is None or url in skip:
            continue
        kind = REF_TYPES.get(ref.type, "other")
        comment = ref.comment if kind != "other" else f"{ref.type}: {ref.comment or ''}".strip()
        found.add((kind, url, (comment or "").rstrip(": ")))
    out = []
    for kind, url, comment in sorted(found):
        entry: Json = {"type": "ExternalRef", "externalRefType": kind, "locator": [url]}
        if comment:
            entry["comment"] = comment
        out.append(entry)
    return out
