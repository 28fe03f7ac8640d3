// Google Analytics, loaded only after analytics consent (the server adds this file then).
(function () {
  "use strict";
  var script = document.currentScript;
  var id = script && script.getAttribute("data-measurement-id");
  if (!id) { return; }
  window.dataLayer = window.dataLayer || [];
  function gtag() { window.dataLayer.push(arguments); }
  gtag("js", new Date());
  gtag("config", id, { anonymize_ip: true });
})();
