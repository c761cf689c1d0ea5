// Instructor pages, progressive enhancement only: everything works without this file.
// A "Copy" button next to each read-only value to share (join link, new API token).
// (The quiz switcher keeps its Show button: changing a select must not navigate, WCAG 3.2.2.)
(function () {
  "use strict";

  function copyText(input) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(input.value);
    }
    input.select();  // http:// on a LAN address: the older API still works
    return document.execCommand("copy") ? Promise.resolve() : Promise.reject(new Error("copy"));
  }

  document.querySelectorAll("[data-copy-row]").forEach(function (row) {
    var input = row.querySelector("input");
    var status = row.parentElement.querySelector("[data-copy-status]");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button-secondary secondary";
    button.textContent = "Copy";
    button.setAttribute("aria-describedby", input.id);
    row.appendChild(button);
    input.addEventListener("focus", function () { input.select(); });
    button.addEventListener("click", function () {
      copyText(input).then(function () {
        if (status) { status.textContent = "Copied to the clipboard."; }
      }, function () {
        input.focus();
        input.select();
        if (status) { status.textContent = "Copying did not work: the text is selected, press Ctrl+C (⌘C on a Mac)."; }
      });
    });
  });

})();
