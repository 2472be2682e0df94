/* The browser modeler: bpmn-js's Modeler in Japanese on a draft's BPMN, Renkei's properties panel beside it,
   a keyboard-usable element picker, saving into the draft (the server answers with its validation), and the
   diagram as a file: download, load a .bpmn from the computer, and a read-only view of its XML. */
(async function () {
  "use strict";

  const config = RenkeiEditor.data();
  const camunda = await fetch(config.camundaUrl).then((response) => response.json());
  const canvasElement = document.getElementById("canvas");
  const modeler = new BpmnJS({
    container: canvasElement,
    moddleExtensions: { camunda: camunda },
    additionalModules: [RenkeiTranslations.bpmn],
  });
  const panel = document.getElementById("properties");
  const picker = document.getElementById("element-picker");
  const canvas = modeler.get("canvas");
  const registry = modeler.get("elementRegistry");
  const selection = modeler.get("selection");
  const properties = RenkeiProperties.create(modeler);

  /* The whole diagram in view, clear of the palette that floats over the canvas's left edge. */
  function fitWholeDiagram() {
    const box = canvasElement.getBoundingClientRect();
    const palette = canvasElement.querySelector(".djs-palette");
    const left = (palette ? palette.getBoundingClientRect().right - box.left : 0) + 24;
    const margin = 24;
    const inner = canvas.viewbox().inner;
    if (!inner.width || !inner.height) return;
    const scale = Math.min((box.width - left - margin) / inner.width, (box.height - 2 * margin) / inner.height, 1);
    const height = box.height / scale;
    canvas.viewbox({
      x: inner.x - left / scale,
      y: inner.y - (height - inner.height) / 2,
      width: box.width / scale,
      height: height,
    });
  }

  async function open(xml) {
    await modeler.importXML(xml);
    fitWholeDiagram();
    fillPicker();
    properties.render(null, panel);
  }

  try {
    await open(config.xml);
  } catch (error) {
    RenkeiEditor.setStatus("図を開けません: " + error.message + "（検証結果で XML の誤りを確認してください）", "error");
    return;
  }

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
  modeler.on("commandStack.changed", () => { RenkeiEditor.markDirty(); fillPicker(); refreshXml(); });

  const xmlView = document.getElementById("xml-view");
  async function refreshXml() {
    if (!xmlView.open) return;
    const { xml } = await modeler.saveXML({ format: true });
    document.getElementById("xml-text").textContent = xml;
  }
  xmlView.addEventListener("toggle", refreshXml);

  document.getElementById("fit-button").addEventListener("click", fitWholeDiagram);

  document.getElementById("download-button").addEventListener("click", async () => {
    const { xml } = await modeler.saveXML({ format: true });
    const link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([xml], { type: "application/xml" }));
    link.download = config.path.split("/").pop();
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  });

  const upload = document.getElementById("bpmn-upload");
  if (upload) {
    upload.addEventListener("change", async () => {
      const [file] = upload.files;
      if (!file) return;
      const previous = (await modeler.saveXML({ format: true })).xml;
      try {
        await open(await file.text());
      } catch (error) {
        await open(previous);
        RenkeiEditor.setStatus("「" + file.name + "」を開けません: " + error.message, "error");
        return;
      } finally {
        upload.value = "";
      }
      RenkeiEditor.markDirty(true);
      RenkeiEditor.setStatus("「" + file.name + "」を読み込みました。「下書きを保存」で " + config.path + " に保存し、検証します。", "warning");
      refreshXml();
    });
  }

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
