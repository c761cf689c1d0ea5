// "On this page": marks the section being read (aria-current="location") as the reader
// scrolls. Progressive enhancement: without it the list is plain links.
(function () {
  "use strict";
  var links = document.querySelectorAll(".toc a[href^='#']");
  if (!links.length || !("IntersectionObserver" in window)) return;
  var byId = {};
  var headings = [];
  links.forEach(function (link) {
    var heading = document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (heading) { byId[heading.id] = link; headings.push(heading); }
  });

  var box = document.querySelector(".toc");

  function mark(id) {
    var link = byId[id];
    if (!link || link.getAttribute("aria-current")) return;
    links.forEach(function (other) { other.removeAttribute("aria-current"); });
    link.setAttribute("aria-current", "location");
    // A long list (the FAQ) scrolls in its own box: keep the reader's place inside it
    var top = link.offsetTop - box.offsetTop, bottom = top + link.offsetHeight;
    if (box.scrollHeight > box.clientHeight &&
        (top < box.scrollTop || bottom > box.scrollTop + box.clientHeight)) {
      box.scrollTop = top - box.clientHeight / 3;
    }
  }

  // The current section: the last heading above the top third of the viewport
  function update() {
    var line = window.innerHeight / 3, current = headings[0];
    for (var i = 0; i < headings.length; i++) {
      if (headings[i].getBoundingClientRect().top <= line) current = headings[i];
      else break;
    }
    mark(current.id);
  }

  // A heading crossing the top third of the viewport is when the current section changes
  var observer = new IntersectionObserver(update, {rootMargin: "0px 0px -66% 0px"});
  headings.forEach(function (heading) { observer.observe(heading); });
  // A jump (a link, Home/End, a search hit) can skip a heading past the line without the
  // observer seeing it cross: settle once per frame after any scroll as well.
  var pending = false;
  window.addEventListener("scroll", function () {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(function () { pending = false; update(); });
  }, {passive: true});
  update();
}());
