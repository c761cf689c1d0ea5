// The theme switch. Loaded synchronously in <head> (the CSP forbids inline scripts) so the
// saved choice is on <html data-theme> before the first paint: no flash of the wrong theme.
// "auto" (no attribute) follows the system; guide.css reads [data-theme] and the media query.
(function () {
  "use strict";
  var root = document.documentElement;
  var KEY = "theme";
  function saved() {
    try { return localStorage.getItem(KEY); } catch (e) { return null; }
  }
  function apply(choice) {
    if (choice === "light" || choice === "dark") root.setAttribute("data-theme", choice);
    else root.removeAttribute("data-theme");
  }
  apply(saved());
  document.addEventListener("DOMContentLoaded", function () {
    var control = document.getElementById("theme-choice");
    if (!control) return;
    var choice = saved();
    control.value = choice === "light" || choice === "dark" ? choice : "auto";
    control.closest(".theme-switch").hidden = false;  // it needs this script to work
    control.addEventListener("change", function () {
      apply(control.value);
      try {
        if (control.value === "auto") localStorage.removeItem(KEY);
        else localStorage.setItem(KEY, control.value);
      } catch (e) { /* private mode: the choice lasts for this page only */ }
    });
  });
}());
