// Follow-up report form: "Add a row" adds an action-plan row in place instead of saving.
// Without JavaScript the button saves the draft and the page comes back with an empty row.
// Leaving a part (or an area's questions) with unsaved input by a link, not a button, asks first.
document.addEventListener("DOMContentLoaded", function () {
  // The error summary takes the focus (its autofocus attribute does where scripts are off).
  var summary = document.getElementById("form-errors");
  if (summary) {
    summary.focus();
  }
  var form = document.querySelector("form.report-form, form.questions-form");
  if (form) {
    // A refused post comes back with the input unsaved.
    var changed = form.hasAttribute("data-unsaved");
    form.addEventListener("input", function () {
      changed = true;
    });
    form.addEventListener("change", function () {
      changed = true;
    });
    form.addEventListener("submit", function () {
      changed = false;
    });
    window.addEventListener("beforeunload", function (event) {
      if (changed) {
        event.preventDefault();
        event.returnValue = "";
      }
    });
  }
  document.querySelectorAll("[data-add-row]").forEach(function (button) {
    var body = document.getElementById(button.dataset.addRow);
    var template = document.getElementById("action-row-template");
    var total = document.getElementById("id_actions-TOTAL_FORMS");
    if (!body || !template || !total) {
      return;
    }
    button.addEventListener("click", function (event) {
      event.preventDefault();
      var index = parseInt(total.value, 10);
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      body.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      var first = body.lastElementChild.querySelector("textarea, input, select");
      if (first) {
        first.focus();
      }
    });
  });
});
