/* The visual diff (issue #13 item 4): bpmn-js's NavigatedViewer draws the newer diagram with the added,
   changed and merely moved elements marked (canvas markers; the colours are in css/version_diff.css), and,
   when elements were removed, the older diagram with those marked. No inline script or style (CSP). */
(async function () {
  "use strict";

  const data = JSON.parse(document.getElementById("visual-diff-data").textContent);
  const status = document.getElementById("visual-diff-status");

  async function draw(container, xml, marks) {
    const viewer = new BpmnJS({ container: container });
    await viewer.importXML(xml);
    const canvas = viewer.get("canvas");
    const registry = viewer.get("elementRegistry");
    let shown = 0;
    for (const [kind, ids] of Object.entries(marks)) {
      for (const id of ids) {
        if (registry.get(id)) {
          canvas.addMarker(id, "diff-" + kind);
          shown += 1;
        }
      }
    }
    canvas.zoom("fit-viewport");
    const first = Object.values(marks).flat().map((id) => registry.get(id)).find(Boolean);
    if (first && canvas.viewbox().scale < 0.7) {  // a wide process: start readable at the first change
      canvas.zoom(0.8);
      canvas.scrollToElement(first, { top: 160, bottom: 160, left: 240, right: 240 });
    }
    return { shown: shown, canvas: canvas };
  }

  const markers = data.markers;
  try {
    const drawn = await draw("#visual-diff-after", data.after, {
      added: markers.added, changed: markers.changed, layout: markers.layout,
    });
    const shown = drawn.shown;
    document.getElementById("visual-diff-fit").addEventListener("click", () => drawn.canvas.zoom("fit-viewport"));
    if (data.before) {
      await draw("#visual-diff-before", data.before, { removed: markers.removed });
    }
    status.textContent = shown ? "色の付いた要素が " + shown + " 件あります。" : "図の上で色の付く変更はありません。";
    document.body.dataset.visualDiff = "ready";
  } catch (error) {
    status.textContent = "図を表示できません: " + error.message;
    document.body.dataset.visualDiff = "error";
  }
})();
