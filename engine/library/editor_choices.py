"""What the modeler's properties panel offers to choose from in a draft: the forms a user task can show,
the processes a call activity can call and the decisions a business rule task can evaluate. Choosing from
these lists, instead of typing ids, keeps a draft's references pointing at files it holds."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import NamedTuple

from lxml import etree

from engine.definitions.lint import NS

DMN_NAMESPACES = (
    "https://www.omg.org/spec/DMN/20191111/MODEL/",
    "http://www.omg.org/spec/DMN/20180521/MODEL/",
    "http://www.omg.org/spec/DMN/20151101/dmn.xsd",
)


class Choice(NamedTuple):
    """An id and its name; a pair in JSON, as the page hands it to the properties panel."""

    id: str
    name: str


@dataclass(frozen=True)
class EditorChoices:
    forms: list[str]
    processes: list[Choice]
    decisions: list[Choice]


def editor_choices(files: Mapping[str, str], path: str) -> EditorChoices:
    """The choices for the file at ``path``: forms of its own process folder, processes and decisions of
    the whole draft (a call activity may call a process of another folder the draft holds)."""
    folder = path.split("/")[0]
    forms = sorted(
        p.rsplit("/", 1)[1].removesuffix(".form")
        for p in files
        if p.startswith(f"{folder}/forms/") and p.endswith(".form")
    )
    processes: dict[str, Choice] = {}
    decisions: dict[str, Choice] = {}
    for name, text in files.items():
        if name.endswith(".bpmn"):
            for element in _elements(text, [f"{{{NS['bpmn']}}}process"]):
                processes.setdefault(element.get("id"), Choice(element.get("id"), element.get("name") or ""))
        elif name.endswith(".dmn"):
            for element in _elements(text, [f"{{{namespace}}}decision" for namespace in DMN_NAMESPACES]):
                decisions.setdefault(element.get("id"), Choice(element.get("id"), element.get("name") or ""))
    return EditorChoices(forms, sorted(processes.values(), key=_id), sorted(decisions.values(), key=_id))


def _id(choice: Choice) -> str:
    return choice.id


def _elements(text: str, tags: list[str]) -> list[etree._Element]:
    """Top-level elements of those kinds; an unreadable file offers nothing (validation reports it)."""
    try:
        parser = etree.XMLParser(resolve_entities=False, no_network=True)
        root = etree.fromstring(text.encode("utf-8"), parser)
    except etree.XMLSyntaxError:
        return []
    return [child for child in root if child.tag in tags and child.get("id")]
