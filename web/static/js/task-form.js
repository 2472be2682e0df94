/* Progressive enhancement of the task form: the page works without it (rows are added and removed by
 * the server, hidden fields are decided by the server on each submit). With it, rows are added and
 * removed in place, fields with conditional.hide follow the clerk's answers at once, and the error
 * summary takes the focus so a screen reader announces it; right after 担当する the first field does. */
(function () {
  "use strict";
  var form = document.querySelector("[data-task-form]");
  if (!form) { return; }
  var contextNode = document.getElementById("form-context");
  var context = contextNode ? JSON.parse(contextNode.textContent) : {};

  function setPath(tree, parts, value) {
    var node = tree;
    for (var i = 0; i < parts.length - 1; i += 1) {
      if (node[parts[i]] === null || typeof node[parts[i]] !== "object") { node[parts[i]] = {}; }
      node = node[parts[i]];
    }
    node[parts[parts.length - 1]] = value;
  }

  /* The form's current values as nested data (the same shape web/tasks/form_input.parse_form makes). */
  function currentValues() {
    var tree = {}, checkboxes = {};
    Array.prototype.forEach.call(form.querySelectorAll("input[name='_checkbox']"), function (marker) {
      checkboxes[marker.value] = true;
    });
    Array.prototype.forEach.call(form.elements, function (element) {
      var name = element.name;
      if (!name || name.charAt(0) === "_" || name === "csrf_token" || /\.__row$/.test(name)) { return; }
      if (checkboxes[name]) { setPath(tree, name.split("."), element.checked); return; }
      if ((element.type === "radio") && !element.checked) { return; }
      if (element.type === "checkbox") {
        var list = form.querySelectorAll("input[type='checkbox'][name='" + CSS.escape(name) + "']:checked");
        setPath(tree, name.split("."), Array.prototype.map.call(list, function (box) { return box.value; }));
        return;
      }
      setPath(tree, name.split("."), element.value);
    });
    return tree;
  }

  function at(tree, prefix) {
    var node = tree;
    prefix.split(".").filter(Boolean).forEach(function (part) { node = node && typeof node === "object" ? node[part] : null; });
    return node && typeof node === "object" ? node : {};
  }

  function scopeFor(element, values) {
    var chain = [], node = element.parentElement;
    while (node && node !== form) {
      if (node.dataset && node.dataset.prefix) { chain.unshift(node.dataset.prefix); }
      node = node.parentElement;
    }
    var scope = Object.assign({}, context, values);
    chain.forEach(function (prefix) { scope = Object.assign({}, scope, at(values, prefix)); });
    return scope;
  }

  function applyConditions() {
    if (!window.RenkeiFeel) { return; }
    var values = currentValues();
    Array.prototype.forEach.call(form.querySelectorAll("[data-hide]"), function (element) {
      try {
        element.hidden = Boolean(window.RenkeiFeel.compile(element.dataset.hide)(scopeFor(element, values)));
      } catch (error) {
        element.hidden = false; /* never hide a field on a condition we cannot read */
      }
    });
  }

  function renumber(list) {
    Array.prototype.forEach.call(list.querySelectorAll("[data-rows] > [data-row]"), function (row, index) {
      Array.prototype.forEach.call(row.querySelectorAll("[data-row-number]"), function (span) {
        if (span.closest("[data-row]") === row) { span.textContent = String(index + 1); }
      });
    });
  }

  function addRow(button) {
    var list = button.closest("[data-list]");
    var template = list.querySelector(":scope > template[data-row-template]");
    var index = String(Number(list.dataset.nextIndex || "0"));
    list.dataset.nextIndex = String(Number(index) + 1);
    var fragment = template.content.cloneNode(true);
    Array.prototype.forEach.call(fragment.querySelectorAll("*"), function (node) {
      Array.prototype.forEach.call(node.attributes, function (attribute) {
        if (attribute.value.indexOf("__index__") !== -1) {
          node.setAttribute(attribute.name, attribute.value.split("__index__").join(index));
        }
      });
    });
    var row = fragment.querySelector("[data-row]");
    list.querySelector(":scope > [data-rows]").appendChild(fragment);
    var empty = list.querySelector(":scope > [data-empty]");
    if (empty) { empty.remove(); }
    renumber(list);
    applyConditions();
    var first = row.querySelector("input:not([type='hidden']):not([readonly]), select, textarea");
    if (first) { first.focus(); }
  }

  function removeRow(button) {
    var row = button.closest("[data-row]");
    var list = row.closest("[data-list]");
    row.remove();
    renumber(list);
    applyConditions();
    var add = list.querySelector(":scope > [data-add-row]");
    if (add) { add.focus(); }
  }

  form.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button) { return; }
    if (button.hasAttribute("data-add-row")) { event.preventDefault(); addRow(button); }
    if (button.hasAttribute("data-remove-row")) { event.preventDefault(); removeRow(button); }
  });
  form.addEventListener("change", applyConditions);
  form.addEventListener("input", applyConditions);
  applyConditions();

  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  } else if (form.hasAttribute("data-focus-first")) {
    /* Just claimed (担当する): the clerk's next step is the first field they can fill in. */
    var field = Array.prototype.find.call(form.elements, function (element) {
      return /^(INPUT|SELECT|TEXTAREA)$/.test(element.tagName) && element.type !== "hidden" && !element.disabled &&
        !element.readOnly && element.offsetParent !== null;
    });
    if (field) { field.focus(); }
  }
})();
