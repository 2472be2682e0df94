"""A SpiffWorkflow parser that also reads the Camunda 7 attributes process owners edit in Camunda Modeler.

SpiffBpmnParser ignores the ``camunda:`` namespace (notes §1). Renkei needs three things from it: the form a
user task shows (``camunda:formRef``), the outcome an end event stands for (``camunda:properties``) and the
decision a business rule task evaluates (``camunda:decisionRef``). They are copied into ``extensions``,
which every serializer config already keeps, so no custom converter is needed.
"""

from __future__ import annotations

from SpiffWorkflow.bpmn.parser.BpmnParser import full_tag
from SpiffWorkflow.bpmn.specs.defaults import EndEvent
from SpiffWorkflow.spiff.parser import VALIDATOR
from SpiffWorkflow.spiff.parser.event_parsers import SpiffEndEventParser
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.spiff.parser.task_spec import BusinessRuleTaskParser, UserTaskParser
from SpiffWorkflow.spiff.specs.defaults import BusinessRuleTask, UserTask

CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"


def camunda_attribute(node, name: str) -> str | None:
    return node.get(f"{{{CAMUNDA_NS}}}{name}")


def camunda_properties(node) -> dict[str, str]:
    found = node.findall(
        f"./{{http://www.omg.org/spec/BPMN/20100524/MODEL}}extensionElements"
        f"/{{{CAMUNDA_NS}}}properties/{{{CAMUNDA_NS}}}property"
    )
    return {prop.get("name"): prop.get("value") for prop in found if prop.get("name")}


class _CamundaExtensions:
    """Merges Camunda attributes and properties into the Spiff extensions of a task spec."""

    def parse_extensions(self, node=None):
        node = self.node if node is None else node
        extensions = super().parse_extensions(node)
        form_ref = camunda_attribute(node, "formRef")
        if form_ref:
            extensions["formRef"] = form_ref.strip()
        properties = camunda_properties(node)
        if properties:
            extensions["properties"] = {**extensions.get("properties", {}), **properties}
        return extensions


class RenkeiUserTaskParser(_CamundaExtensions, UserTaskParser):
    pass


class RenkeiEndEventParser(_CamundaExtensions, SpiffEndEventParser):
    pass


class RenkeiBusinessRuleTaskParser(BusinessRuleTaskParser):
    @staticmethod
    def get_decision_ref(node):
        return camunda_attribute(node, "decisionRef") or BusinessRuleTaskParser.get_decision_ref(node)


class RenkeiParser(SpiffBpmnParser):
    """Use a fresh instance per deployment: a parser keeps state and is left half-filled after an error."""

    OVERRIDE_PARSER_CLASSES = {
        **SpiffBpmnParser.OVERRIDE_PARSER_CLASSES,
        full_tag("userTask"): (RenkeiUserTaskParser, UserTask),
        full_tag("endEvent"): (RenkeiEndEventParser, EndEvent),
        full_tag("businessRuleTask"): (RenkeiBusinessRuleTaskParser, BusinessRuleTask),
    }

    def __init__(self) -> None:
        super().__init__(validator=VALIDATOR)
