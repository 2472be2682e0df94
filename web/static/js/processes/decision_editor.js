/* dmn-js's modeler in Japanese on a draft's decision, opened on its decision table; saving writes the DMN back. */
(async function () {
  "use strict";

  const config = RenkeiEditor.data();
  // dmn-js replaces `common.additionalModules` with each view's own, so every view is given the translation
  // cells are Python (SpiffWorkflow evaluates them so; eligibility.dmn says expressionLanguage="python"): a new
  // expression is Python, and the language menus offer nothing the engine would not run
  const expressionLanguages = { options: [{ value: "python", label: "Python" }], defaults: { editor: "python" } };
  const japanese = { additionalModules: [RenkeiTranslations.dmn], expressionLanguages: expressionLanguages };
  const editor = new DmnJS({
    container: "#decision-editor",
    common: { expressionLanguages: expressionLanguages },
    drd: japanese, decisionTable: japanese, literalExpression: japanese, boxedExpression: japanese,
  });
  try {
    await editor.importXML(config.text);
  } catch (error) {
    RenkeiEditor.setStatus("判定表を開けません: " + error.message, "error");
    return;
  }
  const table = editor.getViews().find((view) => view.type === "decisionTable");
  if (table) await editor.open(table);
  editor.on("views.changed", () => {
    const viewer = editor.getActiveViewer();
    if (viewer) viewer.on("commandStack.changed", () => RenkeiEditor.markDirty());
  });
  const viewer = editor.getActiveViewer();
  if (viewer) viewer.on("commandStack.changed", () => RenkeiEditor.markDirty());
  const saveButton = document.getElementById("save-button");
  if (saveButton) {
    saveButton.addEventListener("click", async () => {
      const { xml } = await editor.saveXML({ format: true });
      await RenkeiEditor.save(config.saveUrl, config.path, xml);
    });
  }
  window.renkeiDecisionEditor = editor;
})();
