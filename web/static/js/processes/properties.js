/* A small properties panel for what Renkei reads from a diagram (docs/process-data.md): names, lanes,
   the form of a user task (camunda:formRef), conditions, timer expressions, scripts, decisions, the
   outcome of an end event, the called process of a call activity, multi-instance (the per-project
   repetition that routes 担当課 tasks) and documentation. Every input has a label and help text; changes go through bpmn-js's command
   stack, so undo/redo and saving treat them like drawing. */
(function () {
  "use strict";

  const TYPE_NAMES = {
    "bpmn:UserTask": "ユーザータスク", "bpmn:ScriptTask": "スクリプトタスク", "bpmn:BusinessRuleTask": "ビジネスルールタスク",
    "bpmn:ServiceTask": "サービスタスク", "bpmn:SendTask": "送信タスク", "bpmn:ReceiveTask": "受信タスク",
    "bpmn:ManualTask": "手動タスク", "bpmn:Task": "タスク", "bpmn:CallActivity": "呼び出しアクティビティ",
    "bpmn:SubProcess": "サブプロセス", "bpmn:Transaction": "トランザクション", "bpmn:AdHocSubProcess": "アドホックサブプロセス",
    "bpmn:StartEvent": "開始イベント", "bpmn:EndEvent": "終了イベント", "bpmn:BoundaryEvent": "境界イベント",
    "bpmn:IntermediateCatchEvent": "中間イベント（受信）", "bpmn:IntermediateThrowEvent": "中間イベント（送信）",
    "bpmn:ExclusiveGateway": "排他ゲートウェイ", "bpmn:ParallelGateway": "並列ゲートウェイ",
    "bpmn:InclusiveGateway": "包含ゲートウェイ", "bpmn:EventBasedGateway": "イベントベースゲートウェイ",
    "bpmn:ComplexGateway": "複合ゲートウェイ", "bpmn:SequenceFlow": "シーケンスフロー", "bpmn:MessageFlow": "メッセージフロー",
    "bpmn:Lane": "レーン", "bpmn:Participant": "プール（参加者）", "bpmn:DataObjectReference": "データオブジェクト",
    "bpmn:DataStoreReference": "データストア", "bpmn:TextAnnotation": "テキスト注釈", "bpmn:Association": "関連",
    "bpmn:DataInputAssociation": "データ入力の関連", "bpmn:DataOutputAssociation": "データ出力の関連", "bpmn:Group": "グループ",
  };
  const REPETITIONS = [["", "繰り返さない"], ["parallel", "並列に繰り返す（マルチインスタンス）"], ["sequential", "順に繰り返す（マルチインスタンス）"]];
  const NAME_RULE = /^[A-Za-z_][A-Za-z0-9_]*$/;
  const TIMER_KINDS = { timeDuration: "経過時間（timeDuration）", timeDate: "日時（timeDate）", timeCycle: "繰り返し（timeCycle）" };
  let counter = 0;

  function field(label, input, help) {
    const wrapper = document.createElement("div");
    wrapper.className = "field";
    const id = "prop-" + (++counter);
    const labelElement = document.createElement("label");
    labelElement.className = "field__label";
    labelElement.htmlFor = id;
    labelElement.textContent = label;
    input.id = id;
    wrapper.append(labelElement, input);
    if (help) {
      const helpElement = document.createElement("p");
      helpElement.className = "field__help";
      helpElement.id = id + "-help";
      helpElement.textContent = help;
      input.setAttribute("aria-describedby", helpElement.id);
      wrapper.appendChild(helpElement);
    }
    return wrapper;
  }

  function textInput(value, multiline, onChange, readOnly) {
    const input = document.createElement(multiline ? "textarea" : "input");
    input.className = multiline ? "textarea textarea--code" : "input";
    if (multiline) input.rows = 4;
    input.value = value || "";
    input.readOnly = !!readOnly;
    input.addEventListener("change", () => onChange(input.value));
    return input;
  }

  function select(options, value, onChange, disabled) {
    const input = document.createElement("select");
    input.className = "select";
    options.forEach(([optionValue, label]) => {
      const option = document.createElement("option");
      option.value = optionValue;
      option.textContent = label;
      option.selected = optionValue === (value || "");
      input.appendChild(option);
    });
    input.disabled = !!disabled;
    input.addEventListener("change", () => onChange(input.value));
    return input;
  }

  function create(modeler) {
    const modeling = modeler.get("modeling");
    const moddle = modeler.get("moddle");
    const registry = modeler.get("elementRegistry");
    const config = RenkeiEditor.data();
    const readOnly = config.readOnly;

    const expression = (body) => (body && body.trim() ? moddle.create("bpmn:FormalExpression", { body: body }) : undefined);
    const lanes = () => registry.filter((e) => e.type === "bpmn:Lane");
    const laneOf = (element) => lanes().find((lane) => (lane.businessObject.flowNodeRef || []).includes(element.businessObject));

    function moveToLane(element, laneId) {
      const lane = registry.get(laneId);
      if (!lane) return;
      const dy = lane.y + lane.height / 2 - (element.y + element.height / 2);
      const dx = element.x < lane.x + 30 ? lane.x + 60 - element.x : 0;
      modeling.moveElements([element], { x: dx, y: dy });
    }

    function outcomeProperty(bo) {
      const extension = (bo.extensionElements && bo.extensionElements.values || []).find((v) => v.$type === "camunda:Properties");
      return extension && (extension.values || []).find((p) => p.name === "outcome");
    }

    function setOutcome(element, value) {
      const bo = element.businessObject;
      const existing = outcomeProperty(bo);
      if (existing) { modeling.updateModdleProperties(element, existing, { value: value }); return; }
      const property = moddle.create("camunda:Property", { name: "outcome", value: value });
      const properties = moddle.create("camunda:Properties", { values: [property] });
      const extensions = bo.extensionElements || moddle.create("bpmn:ExtensionElements", { values: [] });
      properties.$parent = extensions;
      modeling.updateModdleProperties(element, extensions, { values: [...(extensions.values || []), properties] });
      if (!bo.extensionElements) modeling.updateProperties(element, { extensionElements: extensions });
    }

    /* A select over the draft's ids (processes, decisions); an id the draft does not hold stays visible. */
    function referenceSelect(choices, current, empty, onChange) {
      const options = [["", empty], ...choices.map(([id, name]) => [id, name ? name + "（" + id + "）" : id])];
      if (current && !choices.some(([id]) => id === current)) options.push([current, current + "（下書きにありません）"]);
      return select(options, current, onChange, readOnly);
    }

    function documentationField(element) {
      const bo = element.businessObject;
      const text = (bo.documentation || []).map((d) => d.text || "").join("\n");
      return field("説明（documentation）", textInput(text, true, (value) => modeling.updateProperties(element, {
        documentation: value.trim() ? [moddle.create("bpmn:Documentation", { text: value })] : [],
      }), readOnly), "この要素が何をするかの説明です（ガイドラインの条項など）。図の XML に残り、案件の処理には使いません。");
    }

    function repetitionFields(element, panel) {
      const bo = element.businessObject;
      const loop = bo.loopCharacteristics;
      const multi = loop && loop.$type === "bpmn:MultiInstanceLoopCharacteristics" ? loop : null;
      const kind = multi ? (multi.isSequential ? "sequential" : "parallel") : "";
      panel.appendChild(field("繰り返し（マルチインスタンス）", select(REPETITIONS, kind, (value) => {
        if (!value) { modeling.updateProperties(element, { loopCharacteristics: undefined }); return; }
        if (multi) { modeling.updateModdleProperties(element, multi, { isSequential: value === "sequential" }); return; }
        modeling.updateProperties(element, { loopCharacteristics: moddle.create("bpmn:MultiInstanceLoopCharacteristics",
          { isSequential: value === "sequential" }) });
      }, readOnly), "事業ごとに繰り返すと、各回の要素（事業）の department で担当課のタスクが振り分けられます。"));
      if (!multi) return;
      const reference = (ref) => (ref ? ref.id || ref.name || "" : "");
      const variable = (name, value, type, property, help) => {
        const input = textInput(value, false, (text) => {
          const cleaned = text.trim();
          if (cleaned && !NAME_RULE.test(cleaned)) {
            input.setCustomValidity("英字か _ で始まる英数字と _ の名前にしてください。");
            input.reportValidity();
            return;
          }
          input.setCustomValidity("");
          modeling.updateModdleProperties(element, multi, {
            [property]: cleaned ? moddle.create(type, type === "bpmn:DataInput" || type === "bpmn:DataOutput"
              ? { id: cleaned, name: cleaned } : { id: cleaned }) : undefined,
          });
        }, readOnly);
        input.spellcheck = false;
        panel.appendChild(field(name, input, help));
      };
      variable("繰り返す集合（loopDataInputRef）", reference(multi.loopDataInputRef), "bpmn:DataInput", "loopDataInputRef",
        "事業 ID をキーとする辞書の変数名です（例: feasible_projects）。1件ごとに1回実行します。");
      variable("各回の要素の変数（inputDataItem）", reference(multi.inputDataItem), "bpmn:DataInput", "inputDataItem",
        "各回の事業が入る変数名です（例: reviewed_project）。ファイルの中で一意の名前にします。");
      variable("結果を集める変数（loopDataOutputRef）", reference(multi.loopDataOutputRef), "bpmn:DataOutput", "loopDataOutputRef",
        "各回の結果を事業 ID ごとに集める変数名です（例: project_decisions）。");
      variable("各回の結果の変数（outputDataItem）", reference(multi.outputDataItem), "bpmn:DataOutput", "outputDataItem",
        "各回のタスクが結果を入れる変数名です（例: project_decision）。");
    }

    function timerFields(element, definition, panel) {
      const kind = Object.keys(TIMER_KINDS).find((k) => definition[k]) || "timeDuration";
      const current = definition[kind] ? definition[kind].body : "";
      const update = (newKind, body) => {
        const values = { timeDate: undefined, timeDuration: undefined, timeCycle: undefined };
        values[newKind] = expression(body);
        modeling.updateModdleProperties(element, definition, values);
      };
      const kindSelect = select(Object.entries(TIMER_KINDS), kind, (value) => update(value, bodyInput.value), readOnly);
      const bodyInput = textInput(current, false, (value) => update(kindSelect.value, value), readOnly);
      panel.append(field("タイマーの種類", kindSelect),
        field("タイマー式", bodyInput, "Python の式です。ISO 8601 の値は引用符で囲みます（例: \"P14D\"、\"2026-03-31T09:00:00+09:00\"）。日時には +09:00 を付けます。"));
    }

    function render(element, panel) {
      panel.replaceChildren();
      if (!element) { panel.innerHTML = '<p class="muted">要素を選んでください。</p>'; return; }
      const bo = element.businessObject;
      const type = element.type;
      const heading = document.createElement("p");
      heading.className = "properties__type";
      heading.textContent = (TYPE_NAMES[type] || type.replace("bpmn:", "")) + "（ID: " + bo.id + "）";
      panel.appendChild(heading);

      if (type === "bpmn:Lane") {
        const options = config.lanes.map((name) => [name, name]);
        if (bo.name && !config.lanes.includes(bo.name)) options.unshift([bo.name, bo.name + "（役割ではありません）"]);
        panel.appendChild(field("レーン（役割）", select(options, bo.name, (v) => modeling.updateLabel(element, v), readOnly),
          "レーンは「企業等」「総合政策課」「担当課」のいずれかです。"));
        return;
      }
      if (element.labelTarget) return render(element.labelTarget, panel);
      panel.appendChild(field("名前", textInput(bo.name, false, (v) => modeling.updateLabel(element, v), readOnly),
        type === "bpmn:UserTask" ? "利用者に表示する手順名です。手順の番号から始めます（例: ④ 実施可否の協議）。" : null));

      const lane = laneOf(element);
      if (lane && type !== "bpmn:SequenceFlow") {
        const options = lanes().map((l) => [l.id, l.businessObject.name || l.id]);
        panel.appendChild(field("レーン", select(options, lane.id, (v) => moveToLane(element, v), readOnly),
          "別のレーンを選ぶと、要素をそのレーンへ移動します（ドラッグでも移動できます）。"));
      }
      if (type === "bpmn:UserTask") {
        const forms = [["", "（フォームを選んでください）"], ...config.forms.map((f) => [f, f])];
        const currentForm = bo.get("camunda:formRef");
        if (currentForm && !config.forms.includes(currentForm)) forms.push([currentForm, currentForm + "（見つかりません）"]);
        panel.appendChild(field("フォーム（camunda:formRef）",
          select(forms, currentForm, (v) => modeling.updateProperties(element, { "camunda:formRef": v || undefined }), readOnly),
          "このタスクで表示するフォームです。新しいフォームは下書きの画面で追加します。"));
      }
      if (type === "bpmn:SequenceFlow" && bo.sourceRef && /Gateway$/.test(bo.sourceRef.$type)) {
        const body = bo.conditionExpression ? bo.conditionExpression.body : "";
        panel.appendChild(field("条件式", textInput(body, true,
          (v) => modeling.updateProperties(element, { conditionExpression: expression(v) }), readOnly),
          "案件データに対する Python の式です（例: necessity == \"conclude\"）。既定の分岐では空欄にします。"));
      }
      if (type === "bpmn:ScriptTask") {
        panel.appendChild(field("スクリプト", textInput(bo.script, true,
          (v) => modeling.updateProperties(element, { scriptFormat: "python", script: v }), readOnly),
          "制限された環境で実行される Python です（import・ファイル操作はできません）。"));
      }
      if (type === "bpmn:BusinessRuleTask") {
        panel.appendChild(field("判定表（camunda:decisionRef）", referenceSelect(config.decisions, bo.get("camunda:decisionRef"),
          "（判定表を選んでください）", (v) => modeling.updateProperties(element, { "camunda:decisionRef": v || undefined })),
          "評価する判定表（下書きの DMN ファイルの決定）です。新しい判定表は下書きの画面で DMN ファイルを追加します。"));
      }
      if (type === "bpmn:CallActivity") {
        panel.appendChild(field("呼び出すプロセス（calledElement）", referenceSelect(config.processes, bo.calledElement,
          "（プロセスを選んでください）", (v) => modeling.updateProperties(element, { calledElement: v || undefined })),
          "このステップで実行するプロセス（下書きの BPMN ファイルのプロセス ID）です。"));
      }
      if (/Task$|^bpmn:CallActivity$|^bpmn:SubProcess$/.test(type)) repetitionFields(element, panel);
      const timer = (bo.eventDefinitions || []).find((d) => d.$type === "bpmn:TimerEventDefinition");
      if (timer) timerFields(element, timer, panel);
      if (type === "bpmn:EndEvent") {
        const property = outcomeProperty(bo);
        const options = [["", "（結果を選んでください）"], ...Object.entries(config.outcomes).map(([k, v]) => [k, v + "（" + k + "）"])];
        panel.appendChild(field("案件の結果（outcome）", select(options, property && property.value, (v) => setOutcome(element, v), readOnly),
          "案件がこの終了イベントで終わったときの結果です。"));
      }
      if (type !== "bpmn:Lane") panel.appendChild(documentationField(element));
    }
    return { render: render };
  }

  window.RenkeiProperties = { create: create };
})();
