// Inbox: live updates by conditional polling, keyboard shortcuts and /shortcut canned responses.
(function () {
  "use strict";
  var root, lastVersion = null, canned = null, timer = null;
  var FAST = 1000, SLOW = 10000;  // visible tabs poll each second; hidden tabs every ten

  function fetchText(url) {
    return fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.text(); });
  }

  function setTitle(unread) {
    var base = root.getAttribute("data-title-base");
    document.title = (unread > 0 ? "(" + unread + ") " : "") + base;
  }

  function refresh() {
    var list = document.getElementById("conversation-list");
    var jobs = [fetchText(root.getAttribute("data-list-url")).then(function (html) { list.innerHTML = html; })];
    var threadUrl = root.getAttribute("data-thread-url");
    var thread = document.getElementById("thread");
    if (threadUrl && thread) {
      var atBottom = thread.scrollHeight - thread.scrollTop - thread.clientHeight < 80;
      jobs.push(fetchText(threadUrl).then(function (html) {
        thread.innerHTML = html;
        if (atBottom) { thread.scrollTop = thread.scrollHeight; }
      }));
    }
    return Promise.all(jobs);
  }

  function poll() {
    fetch(root.getAttribute("data-poll-url"), { credentials: "same-origin", cache: "no-cache" })
      .then(function (r) { return r.status === 200 ? r.json() : null; })
      .then(function (state) {
        if (!state) { return null; }
        setTitle(state.unread);
        var changed = lastVersion !== null && state.version !== lastVersion;
        lastVersion = state.version;
        return changed ? refresh() : null;
      })
      .catch(function () { /* offline for a moment: try again on the next tick */ })
      .then(schedule);
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(poll, document.visibilityState === "hidden" ? SLOW : FAST);
  }

  // --- canned responses: "/shortcut" at the start of the reply box ---
  function loadCanned() {
    if (canned) { return Promise.resolve(canned); }
    return fetch(root.getAttribute("data-canned-url"), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) { canned = data.canned; return canned; });
  }

  function suggest(box) {
    var list = document.getElementById("canned-suggestions");
    var match = /^\/([\w-]*)$/.exec(box.value);
    if (!list) { return; }
    if (!match) { list.hidden = true; return; }
    loadCanned().then(function (items) {
      var found = items.filter(function (c) { return c.shortcut.indexOf(match[1].toLowerCase()) === 0; });
      list.innerHTML = "";
      found.forEach(function (c, i) {
        var li = document.createElement("li");
        var button = document.createElement("button");
        button.type = "button";
        button.className = "link canned-option" + (i === 0 ? " active" : "");
        button.textContent = "/" + c.shortcut + " — " + c.text;
        button.addEventListener("click", function () { insert(box, c.text); });
        li.appendChild(button);
        list.appendChild(li);
      });
      list.hidden = found.length === 0;
      list.firstMatch = found[0];
    });
  }

  function insert(box, text) {
    box.value = text;
    document.getElementById("canned-suggestions").hidden = true;
    box.focus();
  }

  function onReplyKey(event) {
    var list = document.getElementById("canned-suggestions");
    if ((event.key === "Tab" || event.key === "Enter") && list && !list.hidden && list.firstMatch) {
      event.preventDefault();
      insert(event.target, list.firstMatch.text);
    } else if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      var send = event.target.form.querySelector("button[name=send]:not([disabled])");
      if (send) { event.target.form.requestSubmit(send); }
    }
  }

  // --- keyboard shortcuts (ignored while typing) ---
  function move(step) {
    var links = Array.prototype.slice.call(document.querySelectorAll("[data-conversation-link]"));
    if (!links.length) { return; }
    var index = links.findIndex(function (a) { return a.classList.contains("current"); });
    var next = links[Math.min(links.length - 1, Math.max(0, index + step))];
    if (index === -1) { next = links[0]; }
    window.location.href = next.href;
  }

  function submitForm(selector) {
    var form = document.querySelector(selector);
    if (form) { form.requestSubmit(); }
  }

  function onKey(event) {
    var target = event.target;
    if (target.matches("[data-reply-box]")) { onReplyKey(event); return; }
    if (target.closest("input, textarea, select, [contenteditable]") || event.ctrlKey || event.metaKey || event.altKey) {
      if (event.key === "Escape") { target.blur(); }
      return;
    }
    var actions = {
      j: function () { move(1); },
      k: function () { move(-1); },
      r: function () { var box = document.querySelector("[data-reply-box]"); if (box) { box.focus(); } },
      "/": function () { document.querySelector("[data-shortcut-search]").focus(); },
      e: function () { submitForm("[data-shortcut-resolve]"); },
      a: function () { submitForm("[data-shortcut-assign]"); }
    };
    if (actions[event.key]) { event.preventDefault(); actions[event.key](); }
  }

  // The contact's panel loads after the page, so the conversation shows first.
  function loadPanel() {
    var holder = document.getElementById("contact-panel");
    var url = holder && holder.getAttribute("data-panel-url");
    if (!url) { return; }
    fetchText(url).then(function (html) { holder.outerHTML = html; }).catch(function () { /* the link stays */ });
  }

  function start() {
    root = document.getElementById("inbox");
    if (!root) { return; }
    loadPanel();
    var thread = document.getElementById("thread");
    if (thread) { thread.scrollTop = thread.scrollHeight; }
    document.addEventListener("keydown", onKey);
    document.addEventListener("input", function (event) {
      if (event.target.matches("[data-reply-box]")) { suggest(event.target); }
    });
    document.addEventListener("visibilitychange", function () { if (document.visibilityState === "visible") { poll(); } });
    poll();
  }

  document.addEventListener("DOMContentLoaded", start);
})();
