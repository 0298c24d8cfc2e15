// Progressive enhancement for the programme editor: a small toolbar above each markup textarea
// that inserts the editor's markup (**bold**, *italic*, lists, links). Without JavaScript the
// textarea works the same; the help text under its label explains the markup.
(function () {
  "use strict";

  function wrap(area, before, after) {
    const start = area.selectionStart;
    const end = area.selectionEnd;
    const value = area.value;
    area.value = value.slice(0, start) + before + value.slice(start, end) + after + value.slice(end);
    area.focus();
    area.setSelectionRange(start + before.length, end + before.length);
  }

  function prefixLines(area, numbered) {
    const value = area.value;
    const start = value.lastIndexOf("\n", area.selectionStart - 1) + 1;
    let end = value.indexOf("\n", area.selectionEnd);
    if (end === -1) end = value.length;
    const lines = value.slice(start, end).split("\n");
    const changed = lines.map(function (line, index) {
      return (numbered ? index + 1 + ". " : "- ") + line.replace(/^\s*(?:[-*•]|\d+[.)])\s+/, "");
    });
    area.value = value.slice(0, start) + changed.join("\n") + value.slice(end);
    area.focus();
  }

  const ACTIONS = [
    ["bold", function (area) { wrap(area, "**", "**"); }],
    ["italic", function (area) { wrap(area, "*", "*"); }],
    ["bullets", function (area) { prefixLines(area, false); }],
    ["numbers", function (area) { prefixLines(area, true); }],
    ["link", function (area) { wrap(area, "[", "](https://)"); }],
  ];

  function enhance(area) {
    if (area.dataset.toolbarReady) return;
    area.dataset.toolbarReady = "1";
    const bar = document.createElement("div");
    bar.className = "markup-toolbar";
    bar.setAttribute("role", "group");
    bar.setAttribute("aria-label", area.dataset.toolbarLabel || "");
    ACTIONS.forEach(function (action) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "button button-secondary";
      button.textContent = area.dataset["toolbar" + action[0][0].toUpperCase() + action[0].slice(1)];
      button.addEventListener("click", function () { action[1](area); });
      bar.appendChild(button);
    });
    area.parentNode.insertBefore(bar, area);
  }

  function scan(root) {
    (root.querySelectorAll ? root : document).querySelectorAll("textarea.markup-editor").forEach(enhance);
  }

  document.addEventListener("DOMContentLoaded", function () { scan(document); });
  document.addEventListener("htmx:load", function (event) { scan(event.target); });
})();
