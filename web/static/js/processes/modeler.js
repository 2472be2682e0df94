/* The browser modeler: bpmn-js's Modeler on a draft's BPMN, Renkei's properties panel beside it, a
   keyboard-usable element picker, and saving into the draft (the server answers with its validation). */
(async function () {
  "use strict";

  const config = RenkeiEditor.data();
  const camunda = await fetch(config.camundaUrl).then((response) => response.json());
  const modeler = new BpmnJS({ container: "#canvas", moddleExtensions: { camunda: camunda } });
  const panel = document.getElementById("properties");
  const picker = document.getElementById("element-picker");
  try {
    await modeler.importXML(config.xml);
  } catch (error) {
    RenkeiEditor.setStatus("図を開けません: " + error.message + "（検証結果で XML の誤りを確認してください）", "error");
    return;
  }
  const canvas = modeler.get("canvas");
  const registry = modeler.get("elementRegistry");
  const selection = modeler.get("selection");
  const properties = RenkeiProperties.create(modeler);
  canvas.zoom("fit-viewport");
  if (canvas.viewbox().scale < 0.6) {  // a wide process: start readable at its left end instead of tiny
    canvas.zoom(0.75);
    const box = canvas.viewbox();
    canvas.viewbox({ x: box.inner.x - 40, y: box.inner.y - 40, width: box.width, height: box.height });
  }
  modeler.get("keyboard").bind(document.getElementById("canvas"));

  function selectById(id) {
    const element = registry.get(id);
    if (!element) return;
    selection.select(element);
    if (canvas.viewbox().scale < 0.6) canvas.zoom(0.75);
    canvas.scrollToElement(element, { top: 120, bottom: 120, left: 200, right: 200 });
  }

  function fillPicker() {
    const chosen = picker.value;
    picker.replaceChildren(new Option("（選んでください）", ""));
    registry.filter((e) => !e.labelTarget && e.type !== "bpmn:Process" && e.type !== "bpmn:Collaboration"
                         && e.type !== "label" && e.businessObject && e.businessObject.id)
      .sort((a, b) => (a.businessObject.name || a.id).localeCompare(b.businessObject.name || b.id, "ja"))
      .forEach((e) => picker.appendChild(new Option((e.businessObject.name || "（名前なし）") + " ・ " + e.id, e.id)));
    picker.value = chosen;
  }

  picker.addEventListener("change", () => picker.value && selectById(picker.value));
  modeler.on("selection.changed", (event) => properties.render(event.newSelection[0], panel));
  modeler.on("element.changed", (event) => {
    const [selected] = selection.get();
    if (selected && (selected === event.element || selected === event.element.labelTarget)
        && !panel.contains(document.activeElement)) properties.render(selected, panel);
  });
  modeler.on("commandStack.changed", () => { RenkeiEditor.markDirty(); fillPicker(); });
  fillPicker();

  const saveButton = document.getElementById("save-button");
  if (saveButton) {
    saveButton.addEventListener("click", async () => {
      if (document.activeElement && panel.contains(document.activeElement)) document.activeElement.blur();
      const { xml } = await modeler.saveXML({ format: true });
      await RenkeiEditor.save(config.saveUrl, config.path, xml, selectById);
    });
  }
  window.renkeiModeler = modeler;  // for the browser test and for support staff in the console
})();
