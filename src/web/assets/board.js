"use strict";
// The now-serving board: lanes, who is at the table, the next five; live.
(function () {
  const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
  function render(b) {
    const root = document.getElementById("lanes");
    if (!b.lanes.length) { root.innerHTML = "<p>No queue tonight.</p>"; return; }
    root.innerHTML = b.lanes.map((l) => `<section class="lane"><h2>Lane ${esc(l.lane)}</h2><p>${esc(l.title)}</p>
<p>Now serving</p><p class="now">${esc(l.now.join("  ") || "–")}</p>
<p class="next">Next: ${esc(l.next.join("  ") || "–")}</p><p class="muted">${l.waiting} waiting · a ticket bought now: ${esc(l.wait_now)}</p></section>`).join("");
  }
  render(JSON.parse(document.getElementById("board-data").textContent));
  if ("EventSource" in window) {
    new EventSource("/board/events").addEventListener("state", (e) => render(JSON.parse(e.data)));
  } else {
    setInterval(() => fetch("/board/state").then((r) => r.json()).then(render).catch(() => {}), 5000);
  }
})();
