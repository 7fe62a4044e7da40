// Starts Swagger UI on /api/docs (festival/api/docs.py) from its vendored bundle: a file of its own, because the
// Content-Security-Policy allows no inline script. Nothing is fetched from elsewhere: no validator badge (it
// would load an image from validator.swagger.io), no remote configuration.
document.addEventListener("DOMContentLoaded", () => {
  const root = document.getElementById("swagger-ui");
  if (!root || typeof window.SwaggerUIBundle !== "function") return;
  window.SwaggerUIBundle({
    url: root.dataset.specUrl,
    domNode: root,
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    validatorUrl: null,
    deepLinking: true,
    docExpansion: "list",
    defaultModelsExpandDepth: 0,
    tryItOutEnabled: false,
    queryConfigEnabled: false,
  });
});
