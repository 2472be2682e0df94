"""Loading a stored case rebuilds its process spec once per distinct spec and shares it; the cases stay apart.

The stored JSON is the library's own format: the engine and plain SpiffWorkflow read each other's states.
"""

import json
from pathlib import Path

from engine.definitions.bundle import Bundle
from engine.definitions.compiler import compile_process
from engine.workflow.runner import complete_task, ready_tasks, start_workflow
from engine.workflow.serialization import (
    KNOWN_SPECS,
    SharedSpecs,
    dump_state,
    dump_workflow,
    library_serializer,
    load_state,
    load_workflow,
    pack,
    unpack,
)

PROCESSES = Path(__file__).resolve().parents[2] / "processes"
PROCESS = compile_process(Bundle.from_folder(PROCESSES), "comprehensive_agreement")
PROPOSAL = {"proposal_title": "海岸清掃と環境学習", "proposal_summary": "概要", "projects": [
    {"id": f"P{n}", "title": f"事業{n}", "summary": "概要", "category": str(n), "fiscal_year": 2025} for n in (1, 2, 5)]}


def proposal_case() -> str:
    """A stored case of an organisation's proposal, waiting at ①."""
    workflow = start_workflow(PROCESS, {"initiated_by": "organisation", "organisation_name": "湘南サンプル株式会社"})
    return dump_workflow(workflow)


def steps(workflow) -> list[str]:
    return [task.bpmn_id for task in ready_tasks(workflow)]


def test_two_cases_of_one_version_share_the_spec_but_not_their_progress():
    state = proposal_case()
    first, second = load_workflow(state), load_workflow(state)
    assert first.spec is second.spec
    assert first.subprocess_specs == second.subprocess_specs and first.subprocess_specs is not second.subprocess_specs

    complete_task(first, ready_tasks(first)[0].id, PROPOSAL)

    assert steps(first) == ["record_partnership"]
    assert steps(second) == ["propose"]
    again = load_workflow(dump_workflow(first))
    assert again.spec is first.spec and steps(again) == ["record_partnership"]


def test_a_state_whose_spec_differs_gets_a_spec_of_its_own():
    stored = json.loads(proposal_case())
    stored["spec"]["description"] = "包括連携協定（改訂版）"

    changed, original = load_workflow(json.dumps(stored)), load_workflow(proposal_case())

    assert changed.spec is not original.spec
    assert (changed.spec.description, original.spec.description) == ("包括連携協定（改訂版）", PROCESS.spec.description)


def test_the_engine_and_the_library_read_and_write_the_same_state():
    library = library_serializer()
    workflow = load_workflow(proposal_case())
    complete_task(workflow, ready_tasks(workflow)[0].id, PROPOSAL)
    by_engine = dump_workflow(workflow)

    by_library = library.serialize_json(library.deserialize_json(by_engine))

    assert json.loads(by_library) == json.loads(by_engine)
    assert steps(load_workflow(by_library)) == ["record_partnership"]


def test_the_specs_running_cases_use_stay_while_draft_checks_bring_new_ones():
    shared = SharedSpecs(per_process=2)
    forms = [{"name": "comprehensive_agreement", "description": f"版 {n}"} for n in range(3)]
    for n, form in enumerate(forms[:2]):
        shared.keep(form, f"spec {n}")
    assert shared.find(dict(forms[0])) == "spec 0"  # used again: now the most recent

    shared.keep(forms[2], "spec 2")  # a draft's check brings a third

    assert (shared.find(forms[0]), shared.find(forms[1]), shared.find(forms[2])) == ("spec 0", None, "spec 2")


def test_a_case_stored_without_its_specs_reads_them_once_and_then_only_names_them():
    state, form = dump_state(load_workflow(proposal_case()))
    assert "spec" not in json.loads(unpack(state)) and len(state) * 10 < len(form.text)
    KNOWN_SPECS.clear()  # as in another process, or after a restart
    reads = []

    def specs() -> str:
        reads.append(form.digest)
        return form.text

    first = load_state(state, form.digest, specs)
    complete_task(first, ready_tasks(first)[0].id, PROPOSAL)
    again = load_state(dump_state(first)[0], form.digest, specs)

    assert reads == [form.digest]  # the second load found the specs it had rebuilt
    assert again.spec is first.spec and steps(again) == ["record_partnership"]
    assert dump_state(again)[1] == form  # saving names the same specs, serialized once


def test_a_case_stored_by_an_older_serializer_is_migrated_with_its_specs():
    workflow = load_workflow(proposal_case())
    state, form = dump_state(workflow)
    older = json.loads(unpack(state))
    older["serializer_version"] = "1.4"  # the 1.4 → 1.5 migration rewrites event-gateway specs too

    migrated = load_state(pack(json.dumps(older)), form.digest, lambda: form.text)

    assert steps(migrated) == ["propose"] and migrated.spec.name == PROCESS.spec.name
