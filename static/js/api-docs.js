// Starts Swagger UI on /docs (kept out of the page because the CSP forbids inline scripts).
// The bundled Swagger UI (4.x) only accepts OpenAPI 3.0 documents and FastAPI writes 3.1:
// the document is fetched and relabelled 3.0.3 for display; /openapi.json itself is unchanged.
(function () {
  "use strict";
  var target = document.getElementById("swagger-ui");
  fetch(target.getAttribute("data-openapi-url"), { credentials: "same-origin" })
    .then(function (response) { return response.json(); })
    .then(function (spec) {
      spec.openapi = "3.0.3";
      window.SwaggerUIBundle({ spec: spec, dom_id: "#swagger-ui" });
      nameResponseRegions();
    })
    .catch(function () {
      target.textContent = "The API description could not be loaded: see /openapi.json.";
    });

  // Each opened operation's responses table is a role=region with no name: name it after its
  // operation, so screen readers can tell the regions (and landmarks) apart.
  function nameResponseRegions() {
    new MutationObserver(function () {
      target.querySelectorAll(".opblock [role=region]:not([aria-label])").forEach(function (region) {
        var block = region.closest(".opblock");
        var method = block.querySelector(".opblock-summary-method");
        var path = block.querySelector(".opblock-summary-path");
        region.setAttribute("aria-label", "Responses of " + (method ? method.textContent : "") +
          " " + (path ? path.textContent : ""));
      });
    }).observe(target, { childList: true, subtree: true });
  }
}());
