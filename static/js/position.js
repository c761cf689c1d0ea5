// Remembers the section of the chapter being read, for "Continue where you left off".
// Progressive enhancement: without it, the chapter itself is still remembered on visit.
// Loaded only on pages of a learner; the CSRF token comes from this script tag's data-csrf.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !window.fetch) return;
  var csrf = script.getAttribute("data-csrf");
  var chapter = script.getAttribute("data-chapter");
  var headings = document.querySelectorAll(".chapter-body h2[id], .chapter-body h3[id]");
  if (!csrf || !chapter || !headings.length) return;

  var INTERVAL_MS = 4000; // at most one report per interval, and only when it changed
  var current = null, sent = null, timer = null, lastSent = 0;

  function send(keepalive) {
    timer = null;
    if (!current || current === sent) return;
    sent = current;
    lastSent = Date.now();
    fetch("/api/v1/me/position", {
      method: "POST", credentials: "same-origin", keepalive: !!keepalive,
      headers: {"Content-Type": "application/json", "X-CSRF-Token": csrf},
      body: JSON.stringify({chapter_slug: chapter, section: current})
    }).catch(function () { sent = null; }); // offline: try again on the next change
  }

  // The section being read is the last one whose heading has reached the top of the window
  // (a jump to #anchor puts its heading there, below the scroll padding).
  var TOP_LINE_PX = 64;
  function headingInView() {
    var line = TOP_LINE_PX, found = null;
    for (var i = 0; i < headings.length; i++) {
      if (headings[i].getBoundingClientRect().top > line) break;
      found = headings[i].id;
    }
    return found;
  }

  function onScroll() {
    current = headingInView();
    if (timer || current === sent) return;
    timer = window.setTimeout(send, Math.max(0, INTERVAL_MS - (Date.now() - lastSent)));
  }

  window.addEventListener("scroll", onScroll, {passive: true});
  window.addEventListener("pagehide", function () { send(true); });
  if (window.location.hash) onScroll();
})();
