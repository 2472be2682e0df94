/* form-js's editor on a draft's Camunda Form, in Japanese as far as form-js allows (translations.js);
   saving writes the schema back into the draft. */
(async function () {
  "use strict";

  const config = RenkeiEditor.data();
  let schema;
  try {
    schema = JSON.parse(config.text);
  } catch (error) {
    RenkeiEditor.setStatus("フォームの JSON を読めません: " + error.message, "error");
    return;
  }
  const container = document.getElementById("form-editor");
  RenkeiTranslations.translateFormEditor(container);
  const editor = await FormEditor.createFormEditor({ container: container, schema: schema });
  editor.on("changed", () => RenkeiEditor.markDirty());
  const saveButton = document.getElementById("save-button");
  if (saveButton) {
    saveButton.addEventListener("click", async () => {
      const saved = editor.saveSchema();
      await RenkeiEditor.save(config.saveUrl, config.path, JSON.stringify(saved, null, 2));
    });
  }
  window.renkeiFormEditor = editor;
})();
