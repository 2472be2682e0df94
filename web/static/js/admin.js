/* Account pages: copy a one-time link, and narrow a long list of organisations as one types.
   Both are conveniences: without JavaScript the link is selectable and every organisation is listed. */
(function () {
  "use strict";

  document.querySelectorAll("[data-copy]").forEach(function (button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    var status = document.querySelector("[data-copy-status]");
    if (!field || !navigator.clipboard) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(field.value).then(function () {
        if (status) { status.textContent = "リンクをコピーしました。"; }
      }, function () {
        field.select();
        if (status) { status.textContent = "コピーできませんでした。選択されたリンクを手動でコピーしてください。"; }
      });
    });
  });

  document.querySelectorAll("[data-filter-for]").forEach(function (wrap) {
    var list = document.getElementById(wrap.getAttribute("data-filter-for"));
    var input = wrap.querySelector("input");
    var status = wrap.querySelector("[data-filter-status]");
    if (!list || !input) { return; }
    wrap.hidden = false;
    input.addEventListener("input", function () {
      var needle = input.value.trim().toLowerCase();
      var shown = 0;
      list.querySelectorAll("[data-choice-text]").forEach(function (choice) {
        var match = choice.getAttribute("data-choice-text").toLowerCase().indexOf(needle) !== -1;
        var checked = choice.querySelector("input:checked");
        choice.hidden = !(match || checked);
        if (!choice.hidden) { shown += 1; }
      });
      if (status) { status.textContent = needle ? shown + "件の団体が該当します。" : ""; }
    });
  });
})();
