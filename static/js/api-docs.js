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
    })
    .catch(function () {
      target.textContent = "The API description could not be loaded: see /openapi.json.";
    });
}());
