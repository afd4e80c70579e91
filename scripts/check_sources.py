"""Fail when a source cannot hold the facts that cite it (content review 2026-12-03, section 4).

    python -m scripts.check_sources [--knowledge-dir data/knowledge]

Checked for every source in sources.yml:

- its address is not a search (a DailyMed or PubMed search, `?q=`, `?term=`, ...): a search
  result changes under the fact. An openFDA label looked up by its set id or document id
  (`search=set_id:...`, `search=id:...`) names one label, so it counts as pinned;
- its address is not a home page (no path), unless the source is a service a person contacts
  (`kind: service`: a crisis line, a quit line), not the basis of a fact;
- a drug label (`kind: label`) records `set_id` and `version` (the label version it was read
  in); a paper (`kind: paper`) records a `doi` or a `pmid`;
- some entry cites it: a topic, a drug class, a medicine, a red flag, or the checklist.

Each problem is printed with the source id; the exit status is 1 when there is any. Called by
`make validate`.
"""

import argparse
import re
import sys
from pathlib import Path
from typing import Any, Dict, List, Set
from urllib.parse import urlparse

import yaml

from assistant.knowledge import DEFAULT_KNOWLEDGE_DIR, KnowledgeBaseError, load_knowledge_base


KINDS = {"label", "paper", "guideline", "page", "service"}
SEARCH = re.compile(r"(search\.cfm|/search(?:[/?]|$)|/results\?|[?&](?:term|q|query|s|search|keywords?)=)", re.I)
PINNED_LOOKUP = re.compile(r"^https://api\.fda\.gov/drug/label\.json\?search=(?:set_id|id)(?::|%3A)", re.I)


def is_search(url: str) -> bool:
    return bool(SEARCH.search(url)) and not PINNED_LOOKUP.match(url)


def is_home_page(url: str) -> bool:
    parts = urlparse(url)
    return parts.path in ("", "/") and not parts.query


def cited_sources(kb) -> Set[str]:
    cited: Set[str] = set()
    entries: List[Any] = [
        *kb.topics.values(),
        *kb.drug_classes.values(),
        *kb.medications.values(),
        *kb.red_flags.values(),
        *kb.checklist.factors,
    ]
    for entry in entries:
        cited |= {s.id for s in entry.sources}
    cited |= {s.id for s in kb.checklist.scan_sources}
    return cited


def problems(directory: Path) -> List[str]:
    kb = load_knowledge_base(directory)
    raw: Dict[str, Dict[str, Any]] = yaml.safe_load((directory / "sources.yml").read_text(encoding="utf-8"))["sources"]
    cited = cited_sources(kb)
    found = []
    for sid, source in raw.items():
        url, kind = str(source.get("url", "")), source.get("kind")
        if kind not in KINDS:
            found.append(f"{sid}: 'kind' must be one of {sorted(KINDS)}, got {kind!r}")
        if is_search(url):
            found.append(f"{sid}: {url} is a search, not the page that holds the fact; pin it")
        if is_home_page(url) and kind != "service":
            found.append(f"{sid}: {url} is a home page; cite the page that holds the fact")
        if kind == "label" and not (source.get("set_id") and source.get("version")):
            found.append(f"{sid}: a drug label records its 'set_id' and the 'version' it was read in")
        if kind == "paper" and not (source.get("doi") or source.get("pmid")):
            found.append(f"{sid}: a paper records its 'doi' or 'pmid'")
        if sid not in cited:
            found.append(f"{sid}: no entry cites it; remove it or cite it where it holds")
    return found


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--knowledge-dir", type=Path, default=DEFAULT_KNOWLEDGE_DIR)
    args = parser.parse_args(argv)
    try:
        found = problems(args.knowledge_dir)
    except KnowledgeBaseError as error:
        print(error, file=sys.stderr)
        return 1
    for problem in found:
        print(problem, file=sys.stderr)
    if found:
        print(f"{len(found)} source problem(s) in {args.knowledge_dir / 'sources.yml'}", file=sys.stderr)
        return 1
    print("Sources OK: none is a search or a home page, labels and papers are pinned, every one is cited.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
