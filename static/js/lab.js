// Matrix lab: turn each cell's <select> into a button that cycles Customer -> Microsoft ->
// Shared. The select stays in the form (hidden), so the same POST reaches the server and the
// page keeps working without this script. No inline handlers or styles: the CSP forbids them.
(function () {
  "use strict";

  var ORDER = ["customer", "microsoft", "shared"];
  var ICONS = { customer: "■", microsoft: "□", shared: "◩", "": "?" };

  function labelOf(select, value) {
    for (var i = 0; i < select.options.length; i++) {
      if (select.options[i].value === value) {
        return value ? select.options[i].text : "Not set";
      }
    }
    return "Not set";
  }

  function nextValue(value) {
    var index = ORDER.indexOf(value);
    return ORDER[(index + 1) % ORDER.length];
  }

  function render(button, select) {
    var value = select.value;
    var text = labelOf(select, value);
    button.setAttribute("data-value", value || "none");
    button.setAttribute("aria-label", select.getAttribute("data-label") + ": " + text);
    button.querySelector(".lab-cycle-icon").textContent = ICONS[value] || "?";
    button.querySelector(".lab-cycle-value").textContent = text;
    return text;
  }

  function enhance(select, status) {
    var cell = select.closest(".lab-cell");
    var label = cell.querySelector(".lab-cell-label");
    var column = label.querySelector(".lab-col-name").textContent;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "lab-cycle";
    button.id = select.id + "-button";
    if (document.getElementById("lab-instructions")) {
      button.setAttribute("aria-describedby", "lab-instructions");
    }
    button.innerHTML =
      '<span class="lab-col-name"></span>' +
      '<span class="lab-cycle-icon" aria-hidden="true"></span> ' +
      '<span class="lab-cycle-value"></span>';
    button.querySelector(".lab-col-name").textContent = column + ": ";
    render(button, select);
    button.addEventListener("click", function () {
      select.value = nextValue(select.value);
      var text = render(button, select);
      if (status) {
        status.textContent = select.getAttribute("data-label") + ": " + text;
      }
    });
    label.hidden = true;
    select.hidden = true;
    cell.appendChild(button);
  }

  function init() {
    var forms = document.querySelectorAll("form[data-lab-grid]");
    for (var f = 0; f < forms.length; f++) {
      var status = forms[f].querySelector("[role=status]");
      var selects = forms[f].querySelectorAll("select.lab-select");
      for (var i = 0; i < selects.length; i++) {
        enhance(selects[i], status);
      }
    }
    // Links in the "cells need an answer" summary point at the select; send focus to its button.
    var links = document.querySelectorAll(".lab-error-summary a[href^='#cell-']");
    for (var l = 0; l < links.length; l++) {
      links[l].addEventListener("click", function (event) {
        var target = document.getElementById(this.getAttribute("href").slice(1) + "-button");
        if (target) {
          event.preventDefault();
          target.focus();
        }
      });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
