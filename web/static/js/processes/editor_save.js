/* Saving a draft file from an editor page (modeler, decision table, form) and showing the validation
   the server returns. Shared by the three editors so they behave alike. */
(function () {
  "use strict";

  const status = () => document.getElementById("save-status");
  let dirty = false;

  function setStatus(text, kind) {
    const element = status();
    element.textContent = text;
    element.className = "save-status" + (kind ? " save-status--" + kind : "");
  }

  function markDirty(force) {
    if (!dirty || force) {
      dirty = true;
      setStatus("保存していない変更があります。", "warning");
    }
  }

  function problemItem(problem, onSelect) {
    const item = document.createElement("li");
    const where = [problem.file + (problem.line ? "（" + problem.line + "行目）" : "")];
    if (problem.element_id) where.push((problem.element_name ? problem.element_name + " " : "") + "[" + problem.element_id + "]");
    if (problem.lane) where.push("レーン " + problem.lane);
    if (problem.element_id && onSelect) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "button--text problem-link";
      button.textContent = where.join(" ・ ");
      button.addEventListener("click", () => onSelect(problem.element_id));
      item.appendChild(button);
    } else {
      item.appendChild(document.createTextNode(where.join(" ・ ")));
    }
    item.appendChild(document.createTextNode("： " + problem.message));
    return item;
  }

  function showProblems(problems, notes, onSelect) {
    const panel = document.getElementById("validation-panel");
    const result = document.getElementById("validation-result");
    panel.hidden = false;
    result.replaceChildren();
    const notice = document.createElement("div");
    notice.className = "notice " + (problems.length ? "notice--error" : "notice--success");
    notice.textContent = problems.length
      ? problems.length + "件の問題があります。直すまでデプロイできません。"
      : "問題は見つかりませんでした。「検証・試行・デプロイへ」でシナリオを試行できます。";
    result.appendChild(notice);
    if (problems.length) {
      const list = document.createElement("ul");
      list.className = "problem-list";
      problems.forEach((problem) => list.appendChild(problemItem(problem, onSelect)));
      result.appendChild(list);
    }
    if (notes.length) {  // attributes Renkei ignores, which change nothing here (参考, never blocking)
      const heading = document.createElement("p");
      heading.textContent = "参考（デプロイは妨げません）";
      const list = document.createElement("ul");
      list.className = "problem-list problem-list--notes";
      notes.forEach((note) => list.appendChild(problemItem(note, onSelect)));
      result.append(heading, list);
    }
  }

  async function save(url, path, content, onSelect) {
    setStatus("保存しています…");
    const token = document.querySelector('meta[name="csrf-token"]').content;
    let response;
    try {
      response = await fetch(url, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": token },
        body: JSON.stringify({ path: path, content: content }),
      });
    } catch (error) {
      setStatus("保存できませんでした（通信エラー）。もう一度お試しください。", "error");
      return;
    }
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      const message = (body.error && body.error.message) || "保存できませんでした。";
      setStatus(message, "error");
      return;
    }
    dirty = false;
    const now = new Date();
    setStatus("下書きを保存しました（" + now.getHours() + ":" + String(now.getMinutes()).padStart(2, "0") + "）。", "success");
    showProblems(body.problems || [], body.notes || [], onSelect);
  }

  window.addEventListener("beforeunload", (event) => {
    if (dirty) { event.preventDefault(); event.returnValue = ""; }
  });

  window.RenkeiEditor = {
    data: () => JSON.parse(document.getElementById("editor-data").textContent),
    save: save, markDirty: markDirty, setStatus: setStatus,
  };
})();
