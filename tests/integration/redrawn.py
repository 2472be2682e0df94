"""The comprehensive agreement process as a process owner redraws it: ④ moved from 総合政策課 to 担当課.

In this version ④ (consult_feasibility, R-5.4) runs once per project, as a parallel multi-instance over
``project_map`` (the dict keyed by project id that the script after ③ builds), so each instance's element
``consulted_project`` carries the project's ``department`` and the task is routed to that 担当課
(docs/process-data.md, routing by lane). Each instance records ``feasibility_result``; the script after ④
rebuilds the ``feasibility`` list and ``feasible_projects`` from them, so ⑤ onward is unchanged.
"""

from __future__ import annotations

import json

from lxml import etree

from engine.definitions.bundle import Bundle
from tests.conftest import PROCESSES

PROCESS = "comprehensive_agreement"
BPMN = f"{PROCESS}/{PROCESS}.bpmn"
FORM = f"{PROCESS}/forms/feasibility_by_project.form"
_B = "http://www.omg.org/spec/BPMN/20100524/MODEL"
_NS = {
    "bpmn": _B,
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
}
_CAMUNDA = "http://camunda.org/schema/1.0/bpmn"

FEASIBILITY_BY_PROJECT = {
    "id": "feasibility_by_project",
    "type": "default",
    "schemaVersion": 16,
    "components": [
        {
            "type": "text",
            "id": "Text_intro",
            "text": "### ④ 連携事業の実施可否に関する協議（担当課）\n"
            "事業「{{ consulted_project.title }}」について、"
            "企業等・総合政策課と協議した結果を入力します（R-5.4）。",
        },
        {
            "type": "group",
            "id": "Group_result",
            "label": "協議結果",
            "path": "feasibility_result",
            "components": [
                {
                    "type": "datetime",
                    "id": "Field_date",
                    "key": "consultation_date",
                    "label": "協議日",
                    "subtype": "date",
                    "dateLabel": "協議日",
                    "validate": {"required": True},
                },
                {
                    "type": "radio",
                    "id": "Field_feasible",
                    "key": "feasible",
                    "label": "実施可能性",
                    "validate": {"required": True},
                    "values": [
                        {"label": "実施可能性あり", "value": "yes"},
                        {"label": "実施可能性なし", "value": "no"},
                    ],
                },
                {"type": "textarea", "id": "Field_note", "key": "note", "label": "協議結果"},
            ],
        },
    ],
}

SELECT_FEASIBLE = (
    'feasibility = [{"id": k, "title": project_map[k]["title"], '
    '"feasible": feasibility_results[k]["feasible"], "note": feasibility_results[k].get("note", "")} '
    "for k in project_map if k in feasibility_results]\n"
    'feasible_projects = {r["id"]: project_map[r["id"]] for r in feasibility if r["feasible"] == "yes"}'
)


def moved_to_department(xml: str) -> str:
    """④ in the 担当課 lane, drawn there, multi-instance over projects, with the per-project form."""
    root = etree.fromstring(xml.encode("utf-8"))
    coordinator = root.find(".//bpmn:lane[@name='総合政策課']", _NS)
    department = root.find(".//bpmn:lane[@name='担当課']", _NS)
    reference = next(ref for ref in coordinator if ref.text == "consult_feasibility")
    coordinator.remove(reference)
    department.insert(0, reference)
    task = root.find(".//bpmn:userTask[@id='consult_feasibility']", _NS)
    task.set(f"{{{_CAMUNDA}}}formRef", "feasibility_by_project")
    loop = etree.SubElement(task, f"{{{_B}}}multiInstanceLoopCharacteristics")
    etree.SubElement(loop, f"{{{_B}}}loopDataInputRef").text = "project_map"
    etree.SubElement(loop, f"{{{_B}}}loopDataOutputRef").text = "feasibility_results"
    etree.SubElement(loop, f"{{{_B}}}inputDataItem", id="consulted_project", name="consulted_project")
    etree.SubElement(loop, f"{{{_B}}}outputDataItem", id="feasibility_result", name="feasibility_result")
    root.find(".//bpmn:scriptTask[@id='select_feasible']/bpmn:script", _NS).text = SELECT_FEASIBLE
    lane_bounds = root.find(".//bpmndi:BPMNShape[@bpmnElement='lane_department']/dc:Bounds", _NS)
    root.find(".//bpmndi:BPMNShape[@bpmnElement='consult_feasibility']/dc:Bounds", _NS).set(
        "y", str(int(float(lane_bounds.get("y"))) + 90)
    )
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8").decode()


def current_files() -> dict[str, str]:
    bundle = Bundle.from_folder(PROCESSES)
    return {path: data.decode("utf-8") for path, data in bundle.files.items()}


def redrawn_files() -> dict[str, str]:
    """The edited files a process owner saves into a draft."""
    return {
        BPMN: moved_to_department(current_files()[BPMN]),
        FORM: json.dumps(FEASIBILITY_BY_PROJECT, ensure_ascii=False, indent=2),
    }
