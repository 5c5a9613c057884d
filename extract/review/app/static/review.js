// The document page: select a node on either side, edit it, save it as corrections.
// Plain JavaScript, no build step; every write carries the page's CSRF token and revision.
"use strict";

(() => {
  const app = document.getElementById("app");
  if (!app) return;
  const DOC = app.dataset.doc;
  const CSRF = app.dataset.csrf;
  const revision = Number(app.dataset.revision);
  const data = JSON.parse(document.getElementById("data").textContent);
  const editor = document.getElementById("editor");
  const messages = document.getElementById("messages");
  const author = document.getElementById("author");
  author.value = localStorage.getItem("review-author") || "";
  author.addEventListener("change", () => localStorage.setItem("review-author", author.value));

  let selected = null; // {kind: "node"|"plan", id}
  let lastSave = null; // the body of the latest save, to send again on top of theirs
  const boxesLoaded = new Map(); // page → {nodeId: [boxes]}

  // -- selection, both sides ----------------------------------------------------------------

  const rows = () => [...document.querySelectorAll("#outline .row")];

  function select(kind, id, { scroll = true, fromSource = false } = {}) {
    document.querySelectorAll(".selected").forEach((el) => el.classList.remove("selected"));
    selected = id ? { kind, id } : null;
    if (!id) return;
    const row = kind === "node"
      ? document.querySelector(`#outline .row[data-node="${CSS.escape(id)}"]`)
      : document.querySelector(`#plans tr[data-plan="${CSS.escape(id)}"]`);
    if (row) {
      row.classList.add("selected");
      row.focus({ preventScroll: true });
      if (scroll) row.scrollIntoView({ block: "nearest" });
    }
    history.replaceState(null, "", `#${id}`);
    if (kind === "node") showInSource(id, !fromSource);
    closeEditor();
  }

  function showInSource(id, scroll) {
    document.querySelectorAll(`#text mark[data-node="${CSS.escape(id)}"]`).forEach((m) => {
      m.classList.add("selected");
      if (scroll && !document.getElementById("text").hidden) m.scrollIntoView({ block: "center" });
    });
    const node = data.nodes[id];
    const page = node && node.source && node.source.page;
    if (!page || !document.getElementById("pages")) return;
    // Printed on the page it was read from, or at the top of the next.
    Promise.all([loadBoxes(page), loadBoxes(page + 1)]).then(([here, next]) => {
      const on = !here[id] && next[id] ? page + 1 : page;
      const pageEl = document.querySelector(`.page[data-page="${on}"]`);
      if (!pageEl) return;
      drawBoxes(pageEl, on === page ? here : next, id);
      const hit = pageEl.querySelector(".box.selected");
      if (scroll && !document.getElementById("pages").hidden) {
        (hit || pageEl).scrollIntoView({ block: "center" });
      }
    });
  }

  async function loadBoxes(page) {
    if (!document.querySelector(`.page[data-page="${page}"]`)) return {};
    if (!boxesLoaded.has(page)) {
      const response = await fetch(`/doc/${DOC}/page/${page}/boxes`);
      boxesLoaded.set(page, response.ok ? await response.json() : {});
    }
    return boxesLoaded.get(page);
  }

  function drawBoxes(pageEl, boxes, selectedId) {
    const layer = pageEl.querySelector(".boxes");
    layer.replaceChildren();
    for (const [id, rects] of Object.entries(boxes)) {
      for (const [l, t, r, b] of rects) {
        const box = document.createElement("div");
        box.className = "box" + (id === selectedId ? " selected" : "");
        box.dataset.node = id;
        Object.assign(box.style, {
          left: `${l * 100}%`, top: `${t * 100}%`,
          width: `${(r - l) * 100}%`, height: `${(b - t) * 100}%`,
        });
        layer.appendChild(box);
      }
    }
  }

  document.querySelectorAll(".page").forEach((pageEl) => {
    pageEl.addEventListener("click", async (event) => {
      const boxes = await loadBoxes(Number(pageEl.dataset.page));
      const rect = pageEl.querySelector("img").getBoundingClientRect();
      const x = (event.clientX - rect.left) / rect.width;
      const y = (event.clientY - rect.top) / rect.height;
      for (const [id, rects] of Object.entries(boxes)) {
        if (rects.some(([l, t, r, b]) => x >= l && x <= r && y >= t - 0.004 && y <= b + 0.004)) {
          select("node", id, { fromSource: true });
          drawBoxes(pageEl, boxes, id);
          return;
        }
      }
      drawBoxes(pageEl, boxes, selected && selected.id);
    });
  });

  document.getElementById("text").addEventListener("click", (event) => {
    const mark = event.target.closest("mark[data-node]");
    if (mark && !window.getSelection().toString()) select("node", mark.dataset.node, { fromSource: true });
  });
  document.getElementById("outline").addEventListener("click", (event) => {
    const row = event.target.closest(".row");
    if (row) select("node", row.dataset.node);
  });
  document.getElementById("outline").addEventListener("dblclick", (event) => {
    if (event.target.closest(".row")) openEditor();
  });
  document.querySelectorAll("#plans tr[data-plan]").forEach((tr) => {
    tr.addEventListener("click", () => select("plan", tr.dataset.plan));
    tr.addEventListener("dblclick", () => openEditor());
  });
  document.querySelectorAll(".tabs button[data-tab]").forEach((button) => {
    button.addEventListener("click", () => {
      document.querySelectorAll(".tabs button").forEach((b) => b.classList.toggle("on", b === button));
      const pages = document.getElementById("pages");
      if (pages) pages.hidden = button.dataset.tab !== "pages";
      document.getElementById("text").hidden = button.dataset.tab !== "text";
      if (selected && selected.kind === "node") showInSource(selected.id, true);
    });
  });

  // -- the editor, in place under the selected row ---------------------------------------

  const NODE_FIELDS = ["label", "title", "kind", "responsible", "target"];
  const PLAN_FIELDS = ["title", "kind", "role", "parent_id"];

  function input(name, value, options) {
    const label = document.createElement("label");
    label.textContent = name;
    let field;
    if (options) {
      field = document.createElement("select");
      for (const option of options) field.append(new Option(option || "(none)", option));
    } else {
      field = document.createElement("input");
      field.size = name === "title" ? 48 : 16;
    }
    field.name = name;
    field.value = Array.isArray(value) ? value.join("、") : value ?? "";
    field.dataset.before = field.value;
    const error = document.createElement("span");
    error.className = "error";
    error.dataset.for = name;
    label.append(field, error);
    return label;
  }

  function openEditor() {
    if (!selected) return;
    const item = selected.kind === "node" ? data.nodes[selected.id] : data.plans[selected.id];
    const fields = editor.querySelector(".fields");
    fields.replaceChildren();
    const names = selected.kind === "node" ? NODE_FIELDS : PLAN_FIELDS;
    for (const name of names) {
      const options = name === "kind" && selected.kind === "node" ? data.kinds
        : name === "role" ? data.roles
        : name === "parent_id" ? ["", ...Object.keys(data.plans).filter((p) => p !== selected.id)]
        : null;
      fields.append(input(name, item[name], options));
    }
    const period = item.period || {};
    fields.append(input("period", period.text), input("start", period.start),
      input("end", period.end));
    editor.querySelector(".node-ops").hidden = selected.kind !== "node";
    if (selected.kind === "node") {
      document.querySelector(`#outline .row[data-node="${CSS.escape(selected.id)}"]`).after(editor);
    } else {
      // In a table the editor gets a row of its own, under the plan's.
      const holder = document.getElementById("plan-editor") || planEditorRow();
      document.querySelector(`#plans tr[data-plan="${CSS.escape(selected.id)}"]`).after(holder);
      holder.firstElementChild.append(editor);
      holder.hidden = false;
    }
    editor.hidden = false;
    clearErrors();
    editor.querySelector('[name="title"]').focus();
  }

  function planEditorRow() {
    const tr = document.createElement("tr");
    tr.id = "plan-editor";
    const td = document.createElement("td");
    td.colSpan = 5;
    tr.append(td);
    return tr;
  }

  function closeEditor() {
    editor.hidden = true;
    document.body.append(editor);
    const holder = document.getElementById("plan-editor");
    if (holder) holder.hidden = true;
  }

  function editorEdits() {
    const target = { kind: selected.kind, id: selected.id };
    const edits = [];
    const changed = (name) => {
      const field = editor.querySelector(`[name="${name}"]`);
      return field && field.value !== field.dataset.before ? field.value : null;
    };
    const names = selected.kind === "node" ? NODE_FIELDS : PLAN_FIELDS;
    for (const name of names) {
      const value = changed(name);
      if (value !== null) edits.push({ op: "set", target, field: name, value });
    }
    if (["period", "start", "end"].some((n) => changed(n) !== null)) {
      const value = (n) => editor.querySelector(`[name="${n}"]`).value.trim();
      if (!value("period") && !value("start") && !value("end")) {
        edits.push({ op: "clear_period", target });
      } else {
        edits.push({ op: "set_period", target,
          value: { text: value("period"), start: value("start") || null, end: value("end") || null } });
      }
    }
    return edits;
  }

  editor.addEventListener("submit", (event) => {
    event.preventDefault();
    const edits = editorEdits();
    if (edits.length) save(edits); else closeEditor();
  });
  editor.addEventListener("click", (event) => {
    const op = event.target.closest("button[data-op]");
    if (!op) return;
    if (op.dataset.op === "cancel") closeEditor(); else nodeOp(op.dataset.op);
  });

  // -- operations --------------------------------------------------------------------------

  function nodeOp(op) {
    if (!selected) return say("select a node first");
    const target = { kind: selected.kind, id: selected.id };
    if (op === "delete") {
      const what = selected.kind === "node" ? data.nodes[selected.id] : data.plans[selected.id];
      if (!confirm(`delete ${[what.label, what.title].filter(Boolean).join(" ")}?`)) return;
      return save([{ op: "delete", target }]);
    }
    if (selected.kind !== "node") return;
    if (op === "insert_after" || op === "insert_under") {
      const title = prompt(op === "insert_after" ? "title of the node after this one"
        : "title of the new child node");
      if (!title) return;
      const label = prompt("its label (numbering), or empty") || null;
      return save([{ op, target, value: { kind: "section", title, label } }]);
    }
    save([{ op, target }]);
  }

  function addMeasureFromSelection() {
    const selection = window.getSelection();
    const text = selection.toString().trim();
    if (!text) return say("select the measure's text in the source first");
    const offset = (node, at) => {
      const piece = (node.nodeType === 3 ? node.parentElement : node).closest("[data-start]");
      return piece ? Number(piece.dataset.start) + at : null;
    };
    const range = selection.getRangeAt(0);
    const start = offset(range.startContainer, range.startOffset);
    const end = offset(range.endContainer, range.endOffset);
    if (start === null || end === null) return say("select text in the text view");
    // The measure goes under the selected section, else under the heading before the text.
    let under = selected && selected.kind === "node" ? selected.id : null;
    if (!under) {
      for (const mark of document.querySelectorAll("#text mark[data-node]")) {
        if (Number(mark.dataset.start) <= start) under = mark.dataset.node;
      }
    }
    const source = { start, end };
    const target = under ? { kind: "node", id: under } : { kind: "document" };
    save([{ op: "add_measure", target, value: { title: text, source } }]);
  }

  // -- saving ------------------------------------------------------------------------------

  async function post(path, body) {
    const response = await fetch(`/api/doc/${DOC}/${path}`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": CSRF },
      body: JSON.stringify(body),
    });
    let payload = {};
    try { payload = await response.json(); } catch (_) { payload = { error: await response.text() }; }
    return { status: response.status, payload };
  }

  function who() {
    if (!author.value.trim()) {
      const name = prompt("your name (kept with each correction)");
      if (!name) return null;
      author.value = name.trim();
      localStorage.setItem("review-author", author.value);
    }
    return author.value.trim();
  }

  async function save(edits, onRevision = revision) {
    const name = who();
    if (!name) return;
    lastSave = { revision: onRevision, author: name, edits };
    const { status, payload } = await post("save", lastSave);
    handle(status, payload);
  }

  function handle(status, payload) {
    if (status === 200) {
      sessionStorage.setItem("review-flash", `saved: revision ${payload.revision}`);
      location.reload();
    } else if (status === 409) {
      showStale(payload);
    } else if (status === 422) {
      showProblems(payload.problems || []);
    } else {
      say(`${status}: ${payload.error || "refused"}`);
    }
  }

  function clearErrors() {
    document.querySelectorAll(".error").forEach((e) => (e.textContent = ""));
    messages.replaceChildren();
  }

  function showProblems(problems) {
    clearErrors();
    for (const problem of problems) {
      // "edits[0].period" → the editor's period field; a document path → the message area.
      const field = (problem.path.match(/\.(\w+)$/) || [])[1];
      const slot = !editor.hidden && field && editor.querySelector(`.error[data-for="${field}"]`);
      if (slot) slot.textContent = problem.message;
      else if (!editor.hidden) editor.querySelector('.error[data-for="edit"]').textContent += `${problem.path}: ${problem.message} `;
      else say(`${problem.path}: ${problem.message}`);
    }
  }

  function showStale(payload) {
    const dialog = document.getElementById("stale");
    dialog.querySelector(".yours-rev").textContent = lastSave.revision;
    dialog.querySelector(".now-rev").textContent = payload.revision;
    dialog.querySelector(".yours").textContent = JSON.stringify(payload.yours, null, 1);
    dialog.querySelector(".theirs").textContent = payload.theirs.map((c) =>
      `${c.author} ${c.at}: ${c.undoes ? "undo" : c.op} ${c.target.kind} ${c.target.id || ""} ${c.target.field || ""} → ${JSON.stringify(c.value)}`
    ).join("\n");
    dialog.onclose = () => {
      if (dialog.returnValue === "again") save(lastSave.edits, payload.revision);
      else location.reload();
    };
    dialog.showModal();
  }

  function say(text) {
    const p = document.createElement("p");
    p.textContent = text;
    messages.replaceChildren(p);
  }

  document.getElementById("undo").addEventListener("click", () => undo());
  document.querySelectorAll("button.undo-one").forEach((button) =>
    button.addEventListener("click", () => undo(button.dataset.correction)));
  async function undo(id = null) {
    const name = who();
    if (!name) return;
    const { status, payload } = await post("undo", { revision, author: name, id });
    handle(status, payload);
  }
  document.getElementById("help").addEventListener("click", () =>
    document.getElementById("keys").showModal());

  // -- keys --------------------------------------------------------------------------------

  document.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && !editor.hidden) {
      event.preventDefault();
      editor.requestSubmit();
      return;
    }
    if (event.target.closest("input, select, textarea")) {
      if (event.key === "Escape") closeEditor();
      return;
    }
    if (document.querySelector("dialog[open]")) return;
    const all = rows();
    const at = selected && selected.kind === "node"
      ? all.findIndex((r) => r.dataset.node === selected.id) : -1;
    const key = event.key;
    const act = {
      j: () => all[at + 1] && select("node", all[at + 1].dataset.node),
      ArrowDown: () => all[at + 1] && select("node", all[at + 1].dataset.node),
      k: () => at > 0 && select("node", all[at - 1].dataset.node),
      ArrowUp: () => at > 0 && select("node", all[at - 1].dataset.node),
      Enter: openEditor,
      Escape: closeEditor,
      Delete: () => nodeOp("delete"),
      Backspace: () => nodeOp("delete"),
      h: () => nodeOp("not_heading"),
      Tab: () => nodeOp(event.shiftKey ? "outdent" : "indent"),
      a: () => nodeOp("insert_after"),
      A: () => nodeOp("insert_under"),
      m: addMeasureFromSelection,
      u: () => undo(),
      "?": () => document.getElementById("keys").showModal(),
    }[key === "z" && (event.ctrlKey || event.metaKey) ? "u" : key];
    if (act && !(event.ctrlKey && key !== "z")) {
      event.preventDefault();
      act();
    }
  });

  // -- on load -----------------------------------------------------------------------------

  const flash = sessionStorage.getItem("review-flash");
  if (flash) {
    sessionStorage.removeItem("review-flash");
    say(flash);
  }
  const wanted = decodeURIComponent(location.hash.slice(1));
  if (wanted && data.nodes[wanted]) select("node", wanted);
  else if (wanted && data.plans[wanted]) select("plan", wanted);
  else if (rows().length) select("node", rows()[0].dataset.node, { scroll: false });
})();
