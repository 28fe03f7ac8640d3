// Small behaviours every page shares. No inline scripts: the CSP forbids them.
(function () {
  "use strict";

  // Sign-up and invitation forms: send the browser's time zone as the first guess.
  function fillTimezone() {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    document.querySelectorAll('input[type=hidden][name=timezone]').forEach(function (input) {
      if (!input.value && zone) { input.value = zone; }
    });
  }

  // <select data-autosubmit> submits its form on change (language, role, filters).
  function autosubmit(event) {
    if (event.target.matches("select[data-autosubmit]")) { event.target.form.requestSubmit(); }
  }

  // <form data-confirm="…"> asks before destructive actions.
  function confirmSubmit(event) {
    var message = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) { event.preventDefault(); }
  }

  // The phone-sized menu button.
  function toggleNav(event) {
    var button = event.target.closest("[data-toggle-nav]");
    if (!button) { return; }
    var nav = document.getElementById(button.getAttribute("aria-controls"));
    var open = nav.classList.toggle("expanded");
    button.setAttribute("aria-expanded", open ? "true" : "false");
  }

  document.addEventListener("DOMContentLoaded", fillTimezone);
  document.addEventListener("change", autosubmit);
  document.addEventListener("submit", confirmSubmit, true);
  document.addEventListener("click", toggleNav);
})();
