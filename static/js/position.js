// Remembers the chapter and section being read, for the ticks and "Continue where you left
// off". Progressive enhancement: without it, a known reader's visits are still recorded by
// the server; a browser that has never written anything is recorded from its first report.
// On a known reader's page the CSRF token comes from this script tag's data-csrf; the page
// shared by every visitor without a sign-in has none, so the script asks for this browser's.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !window.fetch) return;
  var csrf = script.getAttribute("data-csrf");
  var chapter = script.getAttribute("data-chapter");
  var headings = document.querySelectorAll(".chapter-body h2[id], .chapter-body h3[id]");
  if (!chapter) return;

  var INTERVAL_MS = 4000; // at most one report per interval, and only when it changed
  var current = null, sent = null, timer = null, lastSent = 0;

  function token() {
    if (csrf) return Promise.resolve(csrf);
    return fetch("/api/v1/auth/csrf", {credentials: "same-origin"})
      .then(function (r) { return r.json(); })
      .then(function (body) { csrf = body.csrf_token; return csrf; });
  }

  // The token is bound to the sign-in: the first report of a new reader creates one, which
  // makes the token it used stale. A 403 fetches this browser's current token and retries once.
  function report(section, keepalive, retried) {
    return token().then(function (value) {
      return fetch("/api/v1/me/position", {
        method: "POST", credentials: "same-origin", keepalive: !!keepalive,
        headers: {"Content-Type": "application/json", "X-CSRF-Token": value},
        body: JSON.stringify({chapter_slug: chapter, section: section})
      });
    }).then(function (response) {
      var renewed = response.headers.get("X-CSRF-Token");
      if (renewed) csrf = renewed; // this report created the sign-in the token is bound to
      if (response.status !== 403 || retried) return response;
      csrf = null;
      return report(section, keepalive, true);
    });
  }

  function send(keepalive) {
    timer = null;
    if (!current || current === sent) return;
    sent = current;
    lastSent = Date.now();
    report(current, keepalive).catch(function () { sent = null; }); // offline: next change
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
  if (window.location.hash) {
    onScroll();
  } else if (!script.hasAttribute("data-csrf")) {
    report(null, false).catch(function () {}); // the shared page: record this visit
  }
})();
