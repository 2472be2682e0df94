/* Draws BPMN diagrams with bpmn-js's NavigatedViewer (served from npm by the app) and marks them:
 * - [data-case-diagram]: a case's progress (completed, current, repeated, multi-instance n/m); choosing an
 *   element shows its history panel, rendered by the server next to the diagram;
 * - [data-heat-diagram]: open cases per step; choosing a step lists those cases.
 * Everything shown here is also in the page as text (the step lists), so the page works without it. */
(function () {
  "use strict";
  const READABLE = 0.7; // the zoom at which task names can still be read

  function readJson(section) {
    return JSON.parse(section.querySelector("script[data-diagram-json]").textContent);
  }

  async function draw(container, xml) {
    const viewer = new BpmnJS({ container: container });
    await viewer.importXML(xml);
    viewer.get("canvas").zoom("fit-viewport", "auto");
    return viewer;
  }

  /* A whole process is too wide to read in the page: show the steps that matter at a readable size,
   * and let the buttons (and the mouse: drag, wheel) move around. */
  function focusOn(viewer, id) {
    const canvas = viewer.get("canvas");
    const element = id && viewer.get("elementRegistry").get(id);
    if (!element || canvas.zoom() >= READABLE) return;
    canvas.zoom(READABLE);
    const box = canvas.viewbox();
    canvas.viewbox({ x: element.x + element.width / 2 - box.width / 2, y: element.y + element.height / 2 - box.height / 2,
      width: box.width, height: box.height });
  }

  function controls(section, viewer, focusId) {
    const canvas = viewer.get("canvas");
    const actions = {
      "zoom-in": function () { canvas.zoom(canvas.zoom() * 1.25); },
      "zoom-out": function () { canvas.zoom(canvas.zoom() / 1.25); },
      "fit": function () { canvas.zoom("fit-viewport", "auto"); },
      "focus": function () { canvas.zoom("fit-viewport", "auto"); focusOn(viewer, focusId); },
    };
    section.querySelectorAll("[data-diagram-action]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", actions[button.dataset.diagramAction]);
    });
  }

  function badge(overlays, id, text, modifier) {
    const span = document.createElement("span");
    span.className = "diagram-badge" + (modifier ? " diagram-badge--" + modifier : "");
    span.textContent = text;
    overlays.add(id, { position: { bottom: 8, right: 8 }, html: span });
  }

  function showPanel(section, id) {
    let shown = null;
    section.querySelectorAll("[data-element-panel]").forEach(function (panel) {
      panel.hidden = panel.dataset.elementPanel !== id;
      if (!panel.hidden) shown = panel;
    });
    const empty = section.querySelector("[data-element-panel-empty]");
    empty.hidden = shown !== null;
    (shown || empty).focus();
  }

  async function caseDiagram(section) {
    const data = readJson(section);
    const viewer = await draw(section.querySelector(".diagram__canvas"), data.xml);
    const canvas = viewer.get("canvas");
    const overlays = viewer.get("overlays");
    const registry = viewer.get("elementRegistry");
    Object.values(data.elements).forEach(function (state) {
      if (!registry.get(state.bpmn_id)) return;
      if (state.completed > 0 || state.instances_done > 0) canvas.addMarker(state.bpmn_id, "is-completed");
      if (state.active > 0) canvas.addMarker(state.bpmn_id, "is-current");
      if (state.instances_total) {
        badge(overlays, state.bpmn_id, state.instances_done + "/" + state.instances_total + " 完了");
      } else if (state.completed > 1) {
        canvas.addMarker(state.bpmn_id, "is-repeated");
        badge(overlays, state.bpmn_id, state.completed + "回", "repeated");
      }
    });
    const current = Object.values(data.elements).find(function (state) { return state.active > 0; });
    focusOn(viewer, current && current.bpmn_id);
    controls(section, viewer, current && current.bpmn_id);
    viewer.get("eventBus").on("element.click", function (event) {
      if (event.element.type !== "bpmn:Process" && event.element.type !== "bpmn:Collaboration") {
        showPanel(section, event.element.id);
      }
    });
    section.querySelectorAll("[data-show-element]").forEach(function (button) {
      button.addEventListener("click", function () { showPanel(section, button.dataset.showElement); });
    });
    section.dataset.ready = "true";
  }

  async function heatDiagram(section) {
    const data = readJson(section);
    const viewer = await draw(section.querySelector(".diagram__canvas"), data.xml);
    const canvas = viewer.get("canvas");
    const overlays = viewer.get("overlays");
    const registry = viewer.get("elementRegistry");
    const most = Math.max(1, ...data.steps.map(function (step) { return step.cases; }));
    data.steps.forEach(function (step) {
      if (!registry.get(step.bpmn_id)) return;
      canvas.addMarker(step.bpmn_id, "heat-" + Math.max(1, Math.ceil((4 * step.cases) / most)));
      badge(overlays, step.bpmn_id, step.cases + "件", "heat");
    });
    controls(section, viewer, data.steps.length ? data.steps[0].bpmn_id : null);
    viewer.get("eventBus").on("element.click", function (event) {
      if (data.steps.some(function (step) { return step.bpmn_id === event.element.id; })) {
        window.location.assign(data.link + encodeURIComponent(event.element.id) + "#heat-cases");
      }
    });
    section.dataset.ready = "true";
  }

  document.querySelectorAll("[data-case-diagram]").forEach(caseDiagram);
  document.querySelectorAll("[data-heat-diagram]").forEach(heatDiagram);
})();
