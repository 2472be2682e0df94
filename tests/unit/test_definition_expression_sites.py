"""Every place SpiffWorkflow 3.2 evaluates Python is compiled at deploy (issue #14 item 1): loop and
completion conditions, message payloads and correlation keys too, not only scripts and gateways."""

import pytest

from engine.definitions.bundle import Bundle
from engine.definitions.compiler import compile_process
from engine.errors import DefinitionError
from tests.diagrams import tiny_bpmn, tiny_bundle

SPIFF_NS = 'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"'
UNSAFE = "'{0.__class__}'.format(note)"


def _with_loop(xml: str, loop: str) -> str:
    return xml.replace("<bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>",
                       f"<bpmn:outgoing>f2</bpmn:outgoing>{loop}</bpmn:userTask>")


def standard_loop(condition: str) -> str:
    return _with_loop(tiny_bpmn(), "<bpmn:standardLoopCharacteristics>"
                      '<bpmn:loopCondition xsi:type="bpmn:tFormalExpression">'
                      f"{condition}</bpmn:loopCondition>"
                      "</bpmn:standardLoopCharacteristics>")


def multi_instance(completion: str) -> str:
    return _with_loop(tiny_bpmn(), "<bpmn:multiInstanceLoopCharacteristics>"
                      '<bpmn:loopCardinality xsi:type="bpmn:tFormalExpression">2</bpmn:loopCardinality>'
                      '<bpmn:completionCondition xsi:type="bpmn:tFormalExpression">'
                      f"{completion}</bpmn:completionCondition></bpmn:multiInstanceLoopCharacteristics>")


def message_end(payload: str = "{'note': note}", correlation: str = "note") -> str:
    xml = tiny_bpmn().replace('xmlns:camunda=', f'{SPIFF_NS} xmlns:camunda=')
    xml = xml.replace('<bpmn:collaboration id="collab">',
                      '<bpmn:message id="msg" name="done"/>'
                      '<bpmn:correlationProperty id="note_key" name="note_key">'
                      '<bpmn:correlationPropertyRetrievalExpression messageRef="msg">'
                      f'<bpmn:formalExpression>{correlation}</bpmn:formalExpression>'
                      '</bpmn:correlationPropertyRetrievalExpression></bpmn:correlationProperty>'
                      '<bpmn:collaboration id="collab">')
    xml = xml.replace('</bpmn:collaboration>', '<bpmn:correlationKey id="key" name="key">'
                      '<bpmn:correlationPropertyRef>note_key</bpmn:correlationPropertyRef></bpmn:correlationKey>'
                      '</bpmn:collaboration>')
    return xml.replace('<bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>',
                       '<bpmn:incoming>f3</bpmn:incoming>'
                       '<bpmn:messageEventDefinition id="m_def" messageRef="msg">'
                       '<bpmn:extensionElements><spiffworkflow:messagePayload>'
                       f'{payload}</spiffworkflow:messagePayload></bpmn:extensionElements>'
                       '</bpmn:messageEventDefinition></bpmn:endEvent>')


def problems(xml: str) -> list[str]:
    bundle = tiny_bundle()
    files = dict(bundle.files)
    files["tiny/tiny.bpmn"] = xml.encode()
    with pytest.raises(DefinitionError) as error:
        compile_process(Bundle(files), "tiny")
    return [str(problem) for problem in error.value.problems]


def compiles(xml: str) -> None:
    files = dict(tiny_bundle().files)
    files["tiny/tiny.bpmn"] = xml.encode()
    compile_process(Bundle(files), "tiny")


@pytest.mark.parametrize("xml", [standard_loop("note != ''"), multi_instance("note != ''"), message_end()])
def test_the_new_sites_accept_ordinary_expressions(xml):
    compiles(xml)


@pytest.mark.parametrize(("xml", "expected"), [
    (standard_loop(UNSAFE),
     "work（① 作業） [レーン 総合政策課]: 繰り返しの条件「'{0.__class__}'.format(note)」"),
    (standard_loop("note =="), "繰り返しの条件「note ==」: 構文エラー"),
    (multi_instance(UNSAFE), "work（① 作業） [レーン 総合政策課]: 完了条件"),
    (message_end(payload=UNSAFE), "end（完了） [レーン 総合政策課]: メッセージの内容"),
    (message_end(payload="{'note': __import__('os')}"),
     "メッセージの内容「{'note': __import__('os')}」: 制限された環境"),
    (message_end(correlation="note.format_map(x)"), "メッセージの相関キー「note_key」「note.format_map(x)」"),
    (message_end(correlation="note +"), "メッセージの相関キー「note_key」「note +」: 構文エラー"),
])
def test_each_site_is_compiled_and_checked_at_deploy(xml, expected):
    found = problems(xml)
    assert any(expected in problem for problem in found), found
