// Starts Swagger UI on /docs (kept out of the page because the CSP forbids inline scripts).
(function () {
  "use strict";
  var target = document.getElementById("swagger-ui");
  window.SwaggerUIBundle({ url: target.getAttribute("data-openapi-url"), dom_id: "#swagger-ui" });
}());
