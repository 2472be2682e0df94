"""SpiffWorkflow's validation and parse messages, in Japanese, for the process owner who meets them.

The whole-file checks (``engine.definitions.xml_checks``) catch most of these first and name the element;
this table is for what is left (and for messages a future SpiffWorkflow adds: shown with the original).
"""

from __future__ import annotations

import re

_MESSAGES: list[tuple[str, str]] = [
    (r"A Service Task must have an operator",
     "サービスタスクは Renkei では実行できません。処理はスクリプトタスク（Python）に書いてください"),
    (r"A multiinstance task must specify a cardinality or a (loop input data reference|collection)",
     "マルチインスタンスには繰り返す対象（loopDataInputRef）か回数（loopCardinality）を指定してください"),
    (r"A multiinstance task must specify exactly one of cardinality or loop input data reference",
     "マルチインスタンスには繰り返す対象（loopDataInputRef）と回数（loopCardinality）のどちらか一方だけを指定してください"),
    (r'No DMN Diagram available with id "None"', "判定表（camunda:decisionRef）が指定されていません"),
    (r'No DMN Diagram available with id "(?P<x>[^"]*)"', "判定表「{x}」が見つかりません（{x}.dmn）"),
    (r"Non-default exclusive outgoing sequence flow without condition",
     "分岐から出る流れに、条件も既定の流れ（default）の指定もありません。条件（Python の式）を書くか、既定の流れにしてください"),
    (r"When looking for a task spec, we found two items",
     "同じ ID の要素が二つあるか、流れの接続先が図にありません"),
    (r"No start event found", "開始イベントがありません"),
    (r"Process (?P<x>\S+) is not executable", "プロセス「{x}」が実行可能（isExecutable=\"true\"）になっていません"),
    (r"The process '(?P<x>[^']*)' was not found", "呼び出すプロセス「{x}」が見つかりません（{x}/{x}.bpmn）"),
    (r'No "calledElement" attribute for Call Activity', "呼び出すプロセス（calledElement）が指定されていません"),
    (r"Invalid Script Task\.\s+No Script Provided", "スクリプトが空です。Python の処理を書くか、要素を削除してください"),
    (r"Duplicate process ID: (?P<x>\S+)", "プロセス ID「{x}」が重複しています"),
    (r"A loopMaximum or loopCondition must be specified for Loop Tasks",
     "繰り返し（standardLoopCharacteristics）には条件か最大回数を指定してください"),
    (r"The loop (?P<x>input|output) data reference is missing from the IO specification",
     "繰り返しのデータ（{x}）がデータの定義（ioSpecification）にありません"),
    (r"Cancel Events may only be used with transactions", "キャンセルイベントはトランザクションの中でだけ使えます"),
    (r"Multiple outgoing flows are not supported for tasks of type",
     "この種類の要素から複数の流れは出せません。ゲートウェイで分けてください"),
    (r"There is no support implemented for this task type", "この種類の要素は Renkei では使えません"),
    (r"Could not find messageRef from message event definition", "メッセージ（messageRef）が指定されていません"),
    (r"Exactly one start event is required in a SubWorkflow Task; found (?P<x>\d+)",
     "サブプロセスには開始イベントがちょうど一つ必要です（{x} 個あります）"),
    (r"A SubWorkflow Must contain an End event", "サブプロセスに終了イベントがありません"),
    (r"Conditional event definition with missing condition", "条件イベントに条件がありません"),
    (r"Expected an? (?P<x>\w+) node", "参照している {x} の定義が図にありません"),
    (r"Unknown Time Specification", "タイマーの種類（日時・期間・繰り返し）と式を指定してください"),
    (r"Time Specification Error\. (?P<x>.*)", "タイマー式が読めません: {x}"),
    (r"Cannot resolve dataInputAssociation (?P<x>\S+)", "データ入力「{x}」が見つかりません"),
    (r"Cannot resolve dataOutputAssociation (?P<x>\S+)", "データ出力「{x}」が見つかりません"),
    (r"(?P<x>Message|Signal|Error|Escalation|Correlation|Data Store) identifier is missing from bpmn xml",
     "{x} の定義に id がありません"),
    (r"Sequential ordering for ad hoc subprocesses not supported", "アドホックサブプロセスの順次実行は使えません"),
    (r"Ad hoc subprocesses may not contain start or end events",
     "アドホックサブプロセスには開始・終了イベントを置けません"),
    (r"No decisions found", "DMN ファイルに判定（decision）がありません"),
    (r"Multiple decision tables are not current supported", "一つの判定に置ける判定表は一つだけです"),
    (r"Data Store with name (?P<x>\S+) has no implementation", "データストア「{x}」は Renkei では使えません"),
]
_COMPILED = [(re.compile(pattern), text) for pattern, text in _MESSAGES]


def in_japanese(message: str) -> str:
    """The Japanese for a SpiffWorkflow message; an unknown one is shown as it came, marked as such."""
    first = (message or "").strip().splitlines()[0] if (message or "").strip() else ""
    for pattern, text in _COMPILED:
        found = pattern.search(first)
        if found:
            return text.format(**found.groupdict())
    return f"SpiffWorkflow が読み込めませんでした: {first}"


def known(message: str) -> bool:
    first = (message or "").strip().splitlines()[0] if (message or "").strip() else ""
    return any(pattern.search(first) for pattern, _ in _COMPILED)
