"""Issue #13: one broken copy of a shipped diagram per refused construct and per class of foreign attribute.

Each row is (id, process, mutation of ``processes/<process>/<process>.bpmn``, fragments the refusal must show).
The same table drives the checks through upload, the modeler's save and ``renkei deploy``
(tests/unit/test_whole_file_validation.py, tests/web/test_validation_entry_points.py,
tests/integration/test_cli_deploy_refusals.py), so every entry point gives the same answer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from engine.definitions.bundle import DEFINITION_SUFFIXES
from tests.conftest import PROCESSES

CA = "comprehensive_agreement"
ZEEBE = 'xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" '


@dataclass(frozen=True)
class Broken:
    id: str
    mutate: Callable[[str], str]
    expected: tuple[str, ...]
    process: str = CA


def replace(old: str, new: str, count: int = 1) -> Callable[[str], str]:
    def mutate(text: str) -> str:
        assert old in text, old
        return text.replace(old, new, count)
    return mutate


def both(*steps: Callable[[str], str]) -> Callable[[str], str]:
    def mutate(text: str) -> str:
        for step in steps:
            text = step(text)
        return text
    return mutate


def with_namespaces(step: Callable[[str], str]) -> Callable[[str], str]:
    return both(replace("<bpmn:definitions ", "<bpmn:definitions " + ZEEBE), step)


def extension(element_start: str, xml: str) -> Callable[[str], str]:
    """Puts ``xml`` into a new extensionElements right after the element's documentation."""
    def mutate(text: str) -> str:
        start = text.index(element_start)
        end = text.index("</bpmn:documentation>", start) + len("</bpmn:documentation>")
        return text[:end] + f"<bpmn:extensionElements>{xml}</bpmn:extensionElements>" + text[end:]
    return mutate


PROPOSE = '<bpmn:userTask id="propose" name="① 連携事業の提案"'
VALIDITY = '<bpmn:scriptTask id="compute_validity" name="有効期間の算定" scriptFormat="python">'
VALIDITY_SCRIPT = "<bpmn:script>comprehensive_agreement = validity_period(signed_on)</bpmn:script>"
CALL = '<bpmn:callActivity id="individual_agreements"'
RULE = '<bpmn:businessRuleTask id="evaluate_eligibility"'
CITY_CONDITION = 'initiated_by == "city"</bpmn:conditionExpression>'


def as_kind(kind: str, extra: str = "") -> Callable[[str], str]:
    return both(replace(VALIDITY, f'<bpmn:{kind} id="compute_validity" name="有効期間の算定"{extra}>'),
                replace(f"{VALIDITY_SCRIPT}\n    </bpmn:scriptTask>", f"</bpmn:{kind}>"))


BROKEN = [
    # --- issue #13 item 1: the four scenarios that passed validation before ---------------------------------
    Broken("flow_2_to_3_deleted", replace(
        '<bpmn:sequenceFlow id="flow_record_to_assign" sourceRef="record_partnership" targetRef="assign_departments" />', ""),
        ("assign_departments", "入ってくる流れ（シーケンスフロー）がありません", "record_partnership", "出ていく流れがありません")),
    Broken("form_of_4_removed", replace(' camunda:formRef="feasibility_consultation" camunda:formRefBinding="latest"', ""),
           ("consult_feasibility", "フォーム（camunda:formRef）が指定されていません")),
    Broken("task_without_incoming_flow", replace('sourceRef="prepare_consultation" targetRef="consult_feasibility"',
                                                 'sourceRef="prepare_consultation" targetRef="select_feasible"'),
           ("consult_feasibility", "入ってくる流れ（シーケンスフロー）がありません")),
    Broken("flow_to_a_missing_target", replace('targetRef="assign_departments" />', 'targetRef="missing_task" />'),
           ("flow_record_to_assign", "流れの接続先「missing_task」（targetRef）が図にありません")),
    # --- dangling references ------------------------------------------------------------------------------
    Broken("default_flow_that_does_not_exist", replace('default="flow_organisation_proposes"', 'default="flow_nowhere"'),
           ("who_proposes", "既定の流れ「flow_nowhere」")),
    Broken("lane_naming_a_missing_element", replace("<bpmn:flowNodeRef>propose</bpmn:flowNodeRef>",
                                                    "<bpmn:flowNodeRef>propose</bpmn:flowNodeRef><bpmn:flowNodeRef>ghost</bpmn:flowNodeRef>"),
           ("レーンに載っている要素「ghost」が図にありません",)),
    Broken("called_process_missing", replace('calledElement="individual_agreement"', 'calledElement="nowhere_process"'),
           ("individual_agreements", "呼び出すプロセス「nowhere_process」が見つかりません")),
    Broken("decision_missing", replace('camunda:decisionRef="eligibility"', 'camunda:decisionRef="missing_table"'),
           ("evaluate_eligibility", "判定表「missing_table」が見つかりません")),
    Broken("decision_not_named", replace(' camunda:decisionRef="eligibility"', ""),
           ("evaluate_eligibility", "判定表（camunda:decisionRef）が指定されていません")),
    Broken("message_missing", replace(PROPOSE, '<bpmn:intermediateCatchEvent id="x_msg" name="x"><bpmn:messageEventDefinition '
                                               'id="x_def" messageRef="no_message" /></bpmn:intermediateCatchEvent>' + PROPOSE),
           ("メッセージ「no_message」（messageRef）が定義されていません",)),
    # --- gateways, unreachable Python, scripts, task kinds, timers, conditions --------------------------------
    Broken("gateway_flow_without_condition_or_default", replace(' default="flow_organisation_proposes"', ""),
           ("flow_organisation_proposes", "条件も既定の流れ（default）の指定もありません")),
    Broken("unreachable_script_is_compiled", both(
        replace('sourceRef="assign_departments" targetRef="prepare_consultation"', 'sourceRef="assign_departments" targetRef="consult_feasibility"'),
        replace("<bpmn:script>project_map = ", "<bpmn:script>import os\nproject_map = ")),
        ("prepare_consultation", "制限された環境では実行できません")),
    Broken("empty_script", replace(VALIDITY_SCRIPT, "<bpmn:script>  </bpmn:script>"), ("compute_validity", "スクリプトが空です")),
    Broken("groovy_script", replace('name="有効期間の算定" scriptFormat="python"', 'name="有効期間の算定" scriptFormat="groovy"'),
           ("compute_validity", "「groovy」は使えません")),
    Broken("javascript_condition", replace('<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">initiated_by',
                                           '<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression" language="javascript">initiated_by'),
           ("flow_city_proposes", "「javascript」は使えません")),
    Broken("external_script", replace('scriptFormat="python">\n      <bpmn:documentation>R-6.1',
                                      'scriptFormat="python" camunda:resource="deployment://validity.py">\n      <bpmn:documentation>R-6.1'),
           ("compute_validity", "外部のスクリプト（camunda:resource）は使えません")),
    Broken("plain_task", as_kind("task"), ("compute_validity", "種類のないタスク（bpmn:task）では案件がそこで止まります")),
    Broken("manual_task", as_kind("manualTask"), ("compute_validity", "手作業タスク（manualTask）では案件がそこで止まります")),
    Broken("service_task", as_kind("serviceTask"), ("compute_validity", "サービスタスクは Renkei では実行できません")),
    Broken("juel_condition", replace(CITY_CONDITION, '${initiated_by == "city"}</bpmn:conditionExpression>'),
           ("条件・式は Python で書きます", "necessity == ")),
    Broken("feel_condition", replace(CITY_CONDITION, '= initiated_by = "city"</bpmn:conditionExpression>'),
           ("条件・式は Python で書きます",)),
    Broken("multi_instance_without_input", replace("<bpmn:loopDataInputRef>feasible_projects</bpmn:loopDataInputRef>", ""),
           ("マルチインスタンスには繰り返す対象（loopDataInputRef）か回数（loopCardinality）を指定してください",)),
    Broken("timer_date_without_offset", replace('schedule["renewal_at"]</bpmn:timeDate>', '"2027-04-01T00:00:00"</bpmn:timeDate>'),
           ("late_window_closed", "タイマーの日時「2027-04-01T00:00:00」には時差を付けてください"), process="agreement_lifecycle"),
    # --- issue #13 item 2: foreign attributes, one per class ---------------------------------------------------
    *[Broken(f"camunda_{name}", replace(PROPOSE, f'{PROPOSE} camunda:{name}="{value}"'), ("propose", fragment))
      for name, value, fragment in (
          ("candidateGroups", "soseki", "担当はレーンで決まります。camunda:candidateGroups は使えません"),
          ("candidateUsers", "seisaku", "担当はレーンで決まります。camunda:candidateUsers は使えません"),
          ("assignee", "seisaku", "担当はレーンで決まります。camunda:assignee は使えません"),
          ("dueDate", "2026-04-01", "期限はタスクのデータ due_dates で指定します"),
          ("followUpDate", "2026-04-01", "camunda:followUpDate は使えません"),
          ("priority", "50", "優先度はありません"),
          ("formKey", "embedded:app:forms/x.html", "フォームは camunda:formRef で指定します"),
          ("asyncBefore", "true", "非同期実行（ジョブ）は Renkei にはありません"),
          ("unknownThing", "1", "camunda:unknownThing は Renkei では使えません"),
      )],
    *[Broken(f"camunda_{name}", replace(VALIDITY, VALIDITY[:-1] + f' camunda:{name}="{value}">'), ("compute_validity", fragment))
      for name, value, fragment in (
          ("resultVariable", "result", "camunda:resultVariable は使えません"),
          ("class", "org.example.Validity", "Java のクラスや式・外部ワーカーによる実装は Renkei にはありません"),
          ("expression", "${validity.compute()}", "camunda:expression を外し"),
          ("delegateExpression", "${validity}", "camunda:delegateExpression を外し"),
      )],
    Broken("camunda_task_listener", extension(PROPOSE, '<camunda:taskListener class="x.Y" event="create" />'),
           ("propose", "リスナーは Renkei にはありません。camunda:taskListener")),
    Broken("camunda_execution_listener", extension(PROPOSE, '<camunda:executionListener expression="${x}" event="start" />'),
           ("propose", "camunda:executionListener を外し")),
    Broken("camunda_in_out", extension(CALL, '<camunda:in variables="all" /><camunda:out variables="all" />'),
           ("individual_agreements", "入出力の対応付け（camunda:in）は使えません", "camunda:out")),
    Broken("camunda_input_output", extension(RULE, '<camunda:inputOutput><camunda:inputParameter name="x">1</camunda:inputParameter></camunda:inputOutput>'),
           ("evaluate_eligibility", "入出力の対応付け（camunda:inputOutput）は使えません")),
    Broken("camunda_form_data", extension(PROPOSE, '<camunda:formData><camunda:formField id="x" type="string" /></camunda:formData>'),
           ("propose", "フォームは camunda:formRef で指定します", "camunda:formData")),
    Broken("zeebe_assignment", with_namespaces(extension(PROPOSE, '<zeebe:assignmentDefinition candidateGroups="soseki" />')),
           ("propose", "担当はレーンで決まります。zeebe:assignmentDefinition は使えません")),
    Broken("zeebe_task_definition", with_namespaces(extension(VALIDITY, '<zeebe:taskDefinition type="validity" />')),
           ("compute_validity", "zeebe:taskDefinition を外し")),
    Broken("zeebe_io_mapping", with_namespaces(extension(CALL, '<zeebe:ioMapping><zeebe:input source="=x" target="y" /></zeebe:ioMapping>')),
           ("individual_agreements", "入出力の対応付け（zeebe:ioMapping）は使えません")),
    Broken("zeebe_called_element", with_namespaces(extension(CALL, '<zeebe:calledElement processId="individual_agreement" />')),
           ("individual_agreements", "zeebe:calledElement は使えません")),
    Broken("zeebe_form_definition", with_namespaces(extension(PROPOSE, '<zeebe:formDefinition formId="proposal" />')),
           ("propose", "フォームは camunda:formRef で指定します", "zeebe:formDefinition")),
    Broken("spiff_instructions", with_namespaces(extension(PROPOSE, "<spiffworkflow:instructionsForEndUser>説明</spiffworkflow:instructionsForEndUser>")),
           ("propose", "利用者への説明はフォームの text 要素に書きます")),
]

HARMLESS = [  # notes, never refusals
    (replace('<bpmn:process id="comprehensive_agreement"', '<bpmn:process camunda:historyTimeToLive="180" camunda:versionTag="v2" '
             'camunda:isStartableInTasklist="true" id="comprehensive_agreement"'),
     ("camunda:historyTimeToLive", "camunda:versionTag", "camunda:isStartableInTasklist")),
]


def shipped_files() -> dict[str, str]:
    """The definition files (what a deployment reads; the 協定書 templates beside them are Word files)."""
    return {str(p.relative_to(PROCESSES)): p.read_text(encoding="utf-8") for p in sorted(PROCESSES.rglob("*"))
            if p.is_file() and p.suffix in DEFINITION_SUFFIXES}


def broken_files(row: Broken) -> dict[str, str]:
    files = shipped_files()
    path = f"{row.process}/{row.process}.bpmn"
    mutated = row.mutate(files[path])
    assert mutated != files[path]
    return {**files, path: mutated}
