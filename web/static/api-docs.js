// Draws the vendored Swagger UI over our own OpenAPI document; no request leaves this site.
(function () {
  "use strict";
  var target = document.getElementById("swagger-ui");
  if (!target || typeof window.SwaggerUIBundle !== "function") { return; }
  window.SwaggerUIBundle({
    url: target.getAttribute("data-spec"),
    domNode: target,
    validatorUrl: null,
    deepLinking: false,
    defaultModelsExpandDepth: 0,
    docExpansion: "list",
    tryItOutEnabled: false
  });
}());
