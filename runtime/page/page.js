// The live view of a tdc computation: polls /api/state once a second and
// shows, per operator, records in and out, their rates, time spent, the
// input frontier, queued records and the skew between workers; on the
// side, epochs, network traffic per peer, progress and memory.
"use strict";

const every = 1000;
let last = null; // the previous state and when it came, for rates

function si(x) {
  if (x >= 1e9) return (x / 1e9).toFixed(1) + "G";
  if (x >= 1e6) return (x / 1e6).toFixed(1) + "M";
  if (x >= 1e3) return (x / 1e3).toFixed(1) + "k";
  return Math.round(x).toString();
}
function bytes(x) {
  if (x >= 1 << 30) return (x / (1 << 30)).toFixed(1) + " GiB";
  if (x >= 1 << 20) return (x / (1 << 20)).toFixed(1) + " MiB";
  if (x >= 1 << 10) return (x / (1 << 10)).toFixed(1) + " KiB";
  return x + " B";
}
function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  for (const k of kids) e.append(k);
  return e;
}
function row(label, value) {
  return el("tr", {}, el("td", {}, label), el("td", { class: "v" }, value));
}

// merge sums the snapshots of every process of a dataflow into one
// record per operator, keeping each worker's figures for the skew.
function merge(df) {
  const ops = df.operators.map((info, i) => ({
    id: i, name: info.name, pos: info.pos, recordsIn: 0, recordsOut: 0,
    runs: 0, runSeconds: 0, queued: 0, frontier: [], workers: [],
  }));
  const procs = df.processes.filter(p => p);
  for (const p of procs) {
    for (const o of p.operators) {
      const m = ops[o.id];
      m.recordsIn += o.recordsIn; m.recordsOut += o.recordsOut;
      m.runs += o.runs; m.runSeconds += o.runSeconds; m.queued += o.queued;
      m.workers.push(...o.workers);
      if (p.process === 0 || m.frontier.length === 0) m.frontier = o.frontier;
    }
  }
  return { ops, procs };
}

function skew(workers, key) {
  if (workers.length < 2) return "";
  const xs = workers.map(w => w[key]);
  const sum = xs.reduce((a, b) => a + b, 0);
  if (sum === 0) return "";
  return (Math.max(...xs) / (sum / xs.length)).toFixed(2) + "×";
}

function frontierText(fr) {
  if (!fr || fr.length === 0) return "—";
  return fr.map(f => f.length ? f.join(" ") : "done").join(" | ");
}

function opFigures(m, prev, dt) {
  const rin = prev && dt > 0 ? (m.recordsIn - prev.recordsIn) / dt : 0;
  const rout = prev && dt > 0 ? (m.recordsOut - prev.recordsOut) / dt : 0;
  return {
    rin, rout,
    rows: [
      ["in", si(m.recordsIn) + (rin ? "  " + si(rin) + "/s" : "")],
      ["out", si(m.recordsOut) + (rout ? "  " + si(rout) + "/s" : "")],
      ["time", m.runSeconds.toFixed(2) + " s in " + si(m.runs) + " runs"],
      ["queued", si(m.queued)],
      ["frontier", frontierText(m.frontier)],
      ["skew", skew(m.workers, m.recordsIn ? "recordsIn" : "recordsOut") || "—"],
    ],
  };
}

// views holds, per dataflow, the elements that stay from one poll to the
// next: its box, the picture (loaded once) and the list of operators.
const views = [];

function view(df, n) {
  let v = views[n];
  if (v && v.name === df.name) return v;
  v = { name: df.name, box: el("div", { class: "dataflow", id: "dataflow-" + n }), pic: null, list: el("div", { class: "ops" }), errors: el("div", {}) };
  v.box.append(el("h2", {}, df.name));
  if (df.picture) {
    v.pic = el("div", { class: "picture" });
    v.box.append(v.pic);
    fetch("plan/" + n + ".svg").then(r => r.ok ? r.text() : "").then(svg => {
      v.pic.innerHTML = svg.slice(Math.max(svg.indexOf("<svg"), 0));
      v.fresh = true;
    });
  }
  v.box.append(v.list, v.errors);
  views[n] = v;
  return v;
}

function renderDataflow(df, n, prevDf, dt) {
  const { ops, procs } = merge(df);
  const prevOps = prevDf ? merge(prevDf).ops : null;
  const v = view(df, n);
  const cards = [];
  ops.forEach((m, i) => {
    const f = opFigures(m, prevOps && prevOps[i], dt);
    const t = el("table", {});
    for (const [k, val] of f.rows) t.append(row(k, val));
    const card = el("div", { class: "opcard" + (f.rin || f.rout ? " busy" : ""), id: "op-card-" + n + "-" + i, "data-op": i },
      el("div", { class: "name" }, m.name), el("div", { class: "pos" }, m.pos), t);
    if (i > 0) cards.push(el("span", { class: "arrow" }, "→"));
    cards.push(card);
  });
  v.list.replaceChildren(...cards);
  v.errors.replaceChildren(...procs.filter(p => p.error).map(p => el("div", { class: "error" }, "process " + p.process + ": " + p.error)));
  return { v, ops, prevOps };
}

// labelPicture writes each operator's figures below its box in the
// plan's picture (the group with id op-N); the first time, it makes room
// for them. The picture must be in the document, to be measured.
function labelPicture(v, ops, prevOps, dt) {
  const root = v.pic && v.pic.querySelector("svg");
  if (!root) return;
  ops.forEach((m, i) => {
    const g = root.querySelector("#op-" + i);
    if (!g) return;
    let t = g.querySelector("text.live");
    if (!t) {
      const b = g.getBBox();
      t = document.createElementNS("http://www.w3.org/2000/svg", "text");
      t.setAttribute("x", b.x + b.width / 2);
      t.setAttribute("y", b.y + b.height + 12);
      t.setAttribute("text-anchor", "middle");
      t.setAttribute("class", "live");
      g.append(t);
    }
    const f = opFigures(m, prevOps && prevOps[i], dt);
    t.textContent = "in " + si(m.recordsIn) + " (" + si(f.rin) + "/s)  out " + si(m.recordsOut) + " (" + si(f.rout) + "/s)  queued " + si(m.queued);
  });
  if (v.fresh) {
    v.fresh = false;
    const b = root.getBBox();
    root.setAttribute("viewBox", [b.x - 4, b.y - 4, b.width + 8, b.height + 8].join(" "));
    // Graphviz sizes the picture in points; a point is 4/3 of a pixel.
    root.setAttribute("width", (b.width + 8) * 4 / 3);
    root.setAttribute("height", (b.height + 8) * 4 / 3);
  }
}

function renderPanel(state) {
  const panel = document.getElementById("panel");
  panel.replaceChildren();
  for (const df of state.dataflows) {
    for (const p of df.processes) {
      if (!p) continue;
      const t = el("table", {});
      t.append(row("epochs completed", String(p.epochsCompleted)));
      t.append(row("elapsed", p.elapsed.toFixed(1) + " s"));
      t.append(row("workers", String(p.workers)));
      t.append(row("data on the wire", bytes(p.progress.dataBytes) + " in " + si(p.progress.dataFrames) + " frames"));
      t.append(row("progress on the wire", bytes(p.progress.bytes) + " in " + si(p.progress.frames) + " frames"));
      t.append(row("progress updates", si(p.progress.localUpdates) + " local, " + si(p.progress.remoteUpdates) + " remote"));
      for (const q of p.peers || []) {
        t.append(row("to process " + q.peer, bytes(q.sentBytes) + ", " + si(q.sentFrames) + " frames, " + si(q.sentHeartbeats) + " beats"));
        t.append(row("from process " + q.peer, bytes(q.receivedBytes) + ", " + si(q.receivedFrames) + " frames"));
      }
      t.append(row("heap", bytes(p.memory.heapAlloc) + " of " + bytes(p.memory.sys)));
      t.append(row("GC", p.memory.numGC + " runs, " + (p.memory.gcPauseSeconds * 1000).toFixed(1) + " ms paused"));
      t.append(row("goroutines", String(p.memory.goroutines)));
      const title = df.name + (df.processes.length > 1 ? ", process " + p.process : "");
      panel.append(el("div", { class: "panel", id: "panel-" + df.name + "-" + p.process }, el("h3", {}, title), t));
    }
  }
}

function render(state) {
  const now = Date.now();
  const dt = last ? (now - last.at) / 1000 : 0;
  const box = document.getElementById("dataflows");
  const drawn = state.dataflows.map((df, n) => renderDataflow(df, n, last && last.state.dataflows[n], dt));
  box.replaceChildren(...drawn.map(d => d.v.box));
  for (const d of drawn) labelPicture(d.v, d.ops, d.prevOps, dt);
  renderPanel(state);
  const names = state.dataflows.map(d => d.name).join(", ");
  document.getElementById("title").textContent = names || "(no dataflow yet)";
  const procs = state.dataflows.flatMap(d => d.processes.filter(p => p));
  const status = document.getElementById("status");
  const failed = procs.some(p => p.error), running = procs.some(p => p.running);
  status.textContent = failed ? "failed" : running ? "running" : procs.length ? "done" : "starting";
  status.className = "status " + (failed ? "failed" : running ? "running" : "done");
  last = { state, at: now };
}

function poll() {
  fetch("api/state", { cache: "no-store" })
    .then(r => r.json())
    .then(render)
    .catch(() => { document.getElementById("status").textContent = "disconnected"; })
    .finally(() => setTimeout(poll, every));
}
poll();
