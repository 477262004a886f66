"use strict";
// The fan's page follows their tickets live: server-sent events, or a plain refresh every
// ten seconds where the browser has none. "Your turn" stands out and vibrates.
(function () {
  const base = location.pathname.replace(/\/$/, "");
  const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
  let turn = new Set(document.querySelectorAll(".ticket.called, .ticket.serving").length ? ["seen"] : []);
  function render(state) {
    const root = document.getElementById("tickets");
    root.innerHTML = state.tickets.map((t) =>
      `<section class="ticket ${esc(t.state)}" data-label="${esc(t.label)}"><p class="label">${esc(t.label)} · ${esc(t.title)}</p><p class="headline">${esc(t.headline)}</p><p class="wait">${esc(t.wait)}</p></section>`).join("");
    for (const [code, usable] of state.claims) {
      const fig = document.querySelector(`figure.code[data-code="${CSS.escape(code)}"]`);
      if (fig) fig.classList.toggle("used", !usable);
    }
    const now = state.tickets.filter((t) => t.state === "called" || t.state === "next").map((t) => t.label + t.state);
    for (const key of now) {
      if (!turn.has(key)) {
        turn.add(key);
        if (navigator.vibrate) navigator.vibrate(key.endsWith("called") ? [300, 150, 300, 150, 300] : 200);
      }
    }
    document.title = state.tickets.some((t) => t.state === "called") ? "Your turn!" : "Your place in line";
    document.getElementById("live").textContent = "Updated " + new Date().toLocaleTimeString();
  }
  if ("EventSource" in window) {
    const live = new EventSource(base + "/events");
    live.addEventListener("state", (e) => render(JSON.parse(e.data)));
    live.onerror = () => { document.getElementById("live").textContent = "Reconnecting…"; };
  } else {
    setInterval(() => fetch(base + "/state").then((r) => r.json()).then(render).catch(() => {}), 10000);
  }
})();
