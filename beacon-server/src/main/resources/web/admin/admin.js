// Beacon ops page: polls GET /v1/admin/stats once a second with the API key and shows live counts,
// rates (from counter deltas) and charts of the last minutes. Plain ES module, no dependencies.

const STATS_URL = '/v1/admin/stats';
const KEY_STORAGE = 'beacon.admin.apiKey';
const WINDOW_STORAGE = 'beacon.admin.window';
const POLL_MS = 1000;
const MAX_BACKOFF_MS = 5000;
const HISTORY_SECONDS = 300;          // the longest chart window
const GAP_MS = 3500;                  // samples further apart than this are not joined by a line
const REQUEST_TIMEOUT_MS = 5000;

const $ = (id) => document.getElementById(id);

// ---------- formatting ----------

const intFmt = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const oneFmt = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });
const compactFmt = new Intl.NumberFormat(undefined, { notation: 'compact', maximumFractionDigits: 1 });

function count(n) {
  return n == null || Number.isNaN(n) ? '–' : intFmt.format(n);
}

function rate(n) {
  if (n == null || Number.isNaN(n)) return '–';
  if (n === 0) return '0';
  if (n < 10) return oneFmt.format(n);
  return n < 100000 ? intFmt.format(Math.round(n)) : compactFmt.format(n);
}

function axis(n) {
  return n < 1000 ? oneFmt.format(n) : compactFmt.format(n);
}

function bytes(n) {
  if (n == null) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return `${oneFmt.format(n)} ${units[i]}`;
}

function duration(ms) {
  let s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86400); s -= d * 86400;
  const h = Math.floor(s / 3600); s -= h * 3600;
  const m = Math.floor(s / 60); s -= m * 60;
  if (d) return `${d}d ${h}h ${m}m`;
  if (h) return `${h}h ${m}m`;
  if (m) return `${m}m ${s}s`;
  return `${s}s`;
}

function clock(ms) {
  return new Date(ms).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

// ---------- API key ----------

/** A key handed over in the URL fragment (#key=…) is stored and removed from the address bar at once. */
function takeKeyFromFragment() {
  const m = /(?:^#|&)key=([^&]*)/.exec(location.hash);
  if (!m) return;
  try {
    const key = decodeURIComponent(m[1]).trim();
    if (key) sessionStorage.setItem(KEY_STORAGE, key);
  } catch { /* a malformed fragment: ignore it */ }
  history.replaceState(null, '', location.pathname + location.search);
}

const apiKey = () => sessionStorage.getItem(KEY_STORAGE);

// ---------- samples and rates ----------

/** Counters turned into per-second rates, and the gauges charted as they are. */
const RATES = {
  in: 'messages_in_total',
  out: 'messages_out_total',
  changes: 'presence_changes_total',
  deliveries: 'presence_deliveries_total',
  errors: 'errors_total',
  roomMessages: 'room_messages_total',
  signals: 'signals_total',
};

let samples = [];   // {t: client ms, s: stats, r: rates or null}
let lastStats = null;

function addSample(stats) {
  const t = Date.now();
  const prev = samples.length ? samples[samples.length - 1] : null;
  let r = null;
  if (prev && stats.node_id === prev.s.node_id && stats.uptime_ms > prev.s.uptime_ms && t - prev.t <= GAP_MS) {
    const dt = (stats.uptime_ms - prev.s.uptime_ms) / 1000;
    r = {};
    for (const [name, field] of Object.entries(RATES)) {
      r[name] = Math.max(0, (stats[field] - prev.s[field]) / dt);
    }
  } else if (prev && (stats.uptime_ms < prev.s.uptime_ms || stats.node_id !== prev.s.node_id)) {
    samples = []; // the server restarted (or another node answers): old counters say nothing about new ones
  }
  samples.push({ t, s: stats, r });
  const oldest = t - (HISTORY_SECONDS + 5) * 1000;
  while (samples.length && samples[0].t < oldest) samples.shift();
  lastStats = stats;
}

// ---------- charts ----------

const CHARTS = {
  users: {
    series: [
      { label: 'connections', value: (h) => h.s.connections },
      { label: 'sessions', value: (h) => h.s.sessions },
      { label: 'online users', value: (h) => h.s.online_users },
    ],
    format: count,
  },
  messages: {
    series: [
      { label: 'in', value: (h) => h.r && h.r.in },
      { label: 'out', value: (h) => h.r && h.r.out },
    ],
    format: rate,
  },
  presence: {
    series: [
      { label: 'changes', value: (h) => h.r && h.r.changes },
      { label: 'deliveries', value: (h) => h.r && h.r.deliveries },
    ],
    format: rate,
  },
  rooms: {
    series: [
      { label: 'snapshots and diffs', value: (h) => h.r && h.r.roomMessages },
      { label: 'signals', value: (h) => h.r && h.r.signals },
    ],
    format: rate,
  },
};

let windowSeconds = Number(localStorage.getItem(WINDOW_STORAGE)) || 300;
if (![60, 120, 300].includes(windowSeconds)) windowSeconds = 300;

/** The smallest "nice" number (1, 2, 4, 6, 8 × 10^n, whose halves read well too) at or above v, at least min. */
function niceMax(v, min) {
  if (!(v > min)) return min;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 4, 6, 8, 10]) {
    if (v <= m * p) return m * p;
  }
  return 10 * p;
}

function setupChart(fig) {
  const chart = CHARTS[fig.dataset.chart];
  chart.fig = fig;
  chart.canvas = fig.querySelector('canvas');
  chart.tip = fig.querySelector('.tip');
  chart.hoverX = null;
  const legend = fig.querySelector('.legend');
  chart.legendValues = chart.series.map((s, i) => {
    const li = document.createElement('li');
    li.className = `s${i}`;
    const swatch = document.createElement('i');
    const b = document.createElement('b');
    b.textContent = '–';
    li.append(swatch, document.createTextNode(s.label + ' '), b);
    legend.append(li);
    return b;
  });
  const move = (e) => {
    const rect = chart.canvas.getBoundingClientRect();
    chart.hoverX = e.clientX - rect.left;
    drawChart(chart);
  };
  chart.canvas.addEventListener('pointermove', move);
  chart.canvas.addEventListener('pointerdown', move);
  chart.canvas.addEventListener('pointerleave', () => { chart.hoverX = null; drawChart(chart); });
}

function drawChart(chart) {
  const canvas = chart.canvas;
  const css = getComputedStyle(document.documentElement);
  const color = (name) => css.getPropertyValue(name).trim();
  const colors = [color('--c1'), color('--c2'), color('--c3')];
  const dpr = window.devicePixelRatio || 1;
  const w = canvas.clientWidth;
  const h = canvas.clientHeight;
  if (!w || !h) return;
  if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(h * dpr);
  }
  const ctx = canvas.getContext('2d');
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, w, h);

  const now = samples.length ? samples[samples.length - 1].t : Date.now();
  const from = now - windowSeconds * 1000;
  const points = samples.filter((p) => p.t >= from);
  let max = 0;
  for (const p of points) {
    for (const s of chart.series) {
      const v = s.value(p);
      if (v != null && v > max) max = v;
    }
  }
  const top = niceMax(max * 1.05, chart.format === count ? 2 : 1);

  ctx.font = '11px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
  const left = Math.max(...[0, top / 2, top].map((v) => ctx.measureText(axis(v)).width)) + 8;
  const right = w - 4;
  const plotTop = 8;
  const bottom = h - 20;
  const x = (t) => left + ((t - from) / (now - from)) * (right - left);
  const y = (v) => bottom - (v / top) * (bottom - plotTop);

  // grid and axis labels
  ctx.strokeStyle = color('--grid');
  ctx.fillStyle = color('--muted');
  ctx.lineWidth = 1;
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'right';
  for (let i = 0; i <= 4; i++) {
    const v = (top * i) / 4;
    const yy = Math.round(y(v)) + 0.5;
    ctx.beginPath();
    ctx.moveTo(left, yy);
    ctx.lineTo(right, yy);
    ctx.stroke();
    if (i % 2 === 0) ctx.fillText(axis(v), left - 6, yy);
  }
  ctx.textBaseline = 'alphabetic';
  ctx.textAlign = 'left';
  ctx.fillText(`${windowSeconds >= 120 ? windowSeconds / 60 + ' min' : windowSeconds + ' s'} ago`, left, h - 4);
  ctx.textAlign = 'right';
  ctx.fillText('now', right, h - 4);

  // series: a line per series, the first one with a soft fill below it
  chart.series.forEach((s, i) => {
    const segments = [];
    let seg = [];
    let prevT = null;
    for (const p of points) {
      const v = s.value(p);
      if (v == null || (prevT != null && p.t - prevT > GAP_MS)) {
        if (seg.length) segments.push(seg);
        seg = [];
      }
      if (v != null) seg.push([x(p.t), y(v)]);
      prevT = p.t;
    }
    if (seg.length) segments.push(seg);
    ctx.strokeStyle = colors[i];
    ctx.lineWidth = 2;
    ctx.lineJoin = 'round';
    for (const sg of segments) {
      if (i === 0 && sg.length > 1) {
        ctx.beginPath();
        ctx.moveTo(sg[0][0], bottom);
        for (const [px, py] of sg) ctx.lineTo(px, py);
        ctx.lineTo(sg[sg.length - 1][0], bottom);
        ctx.closePath();
        ctx.globalAlpha = 0.12;
        ctx.fillStyle = colors[i];
        ctx.fill();
        ctx.globalAlpha = 1;
      }
      ctx.beginPath();
      sg.forEach(([px, py], k) => (k ? ctx.lineTo(px, py) : ctx.moveTo(px, py)));
      if (sg.length === 1) ctx.arc(sg[0][0], sg[0][1], 1.5, 0, Math.PI * 2);
      ctx.stroke();
    }
  });

  // legend: the latest values
  const last = points.length ? points[points.length - 1] : null;
  chart.series.forEach((s, i) => {
    chart.legendValues[i].textContent = last ? chart.format(s.value(last)) : '–';
  });

  // hover: the sample nearest the pointer
  if (chart.hoverX != null && points.length) {
    let best = points[0];
    for (const p of points) {
      if (Math.abs(x(p.t) - chart.hoverX) < Math.abs(x(best.t) - chart.hoverX)) best = p;
    }
    const bx = Math.round(x(best.t)) + 0.5;
    ctx.strokeStyle = color('--muted');
    ctx.lineWidth = 1;
    ctx.setLineDash([3, 3]);
    ctx.beginPath();
    ctx.moveTo(bx, plotTop);
    ctx.lineTo(bx, bottom);
    ctx.stroke();
    ctx.setLineDash([]);
    chart.series.forEach((s, i) => {
      const v = s.value(best);
      if (v == null) return;
      ctx.fillStyle = colors[i];
      ctx.beginPath();
      ctx.arc(bx, y(v), 3.5, 0, Math.PI * 2);
      ctx.fill();
    });
    renderTip(chart, best, bx, w);
  } else {
    chart.tip.hidden = true;
  }
}

function renderTip(chart, sample, bx, width) {
  const tip = chart.tip;
  tip.replaceChildren();
  const t = document.createElement('div');
  t.className = 't';
  t.textContent = clock(sample.t);
  tip.append(t);
  chart.series.forEach((s, i) => {
    const row = document.createElement('div');
    row.className = `s${i}`;
    const dot = document.createElement('i');
    row.append(dot, document.createTextNode(`${s.label}: ${chart.format(s.value(sample))}`));
    tip.append(row);
  });
  tip.hidden = false;
  const tw = tip.offsetWidth;
  const leftPos = bx + 12 + tw > width ? bx - 12 - tw : bx + 12;
  tip.style.left = `${Math.max(0, leftPos)}px`;
}

function drawAll() {
  for (const chart of Object.values(CHARTS)) {
    if (chart.canvas) drawChart(chart);
  }
}

// ---------- rendering the numbers ----------

function setText(id, text) {
  const el = $(id);
  if (el.textContent !== text) el.textContent = text;
}

function badge(el, text, kind, title) {
  el.textContent = text;
  el.className = `badge ${kind}`;
  el.title = title || '';
}

function kv(dl, rows) {
  dl.replaceChildren(...rows.map(([k, v, mono]) => {
    const div = document.createElement('div');
    const dt = document.createElement('dt');
    dt.textContent = k;
    const dd = document.createElement('dd');
    if (mono) dd.className = 'mono';
    dd.textContent = v;
    dd.title = v;
    div.append(dt, dd);
    return div;
  }));
}

function render() {
  const s = lastStats;
  if (!s) return;
  const last = samples[samples.length - 1];
  const r = last && last.r;

  setText('v-connections', count(s.connections));
  setText('s-connections', `${count(s.watched_users)} users watched`);
  setText('v-sessions', count(s.sessions));
  const resumed = s.sessions_resumed_total;
  setText('s-sessions', `${count(resumed)} resumed · ${count(s.sessions_expired_total)} expired`);
  setText('v-online', count(s.online_users));
  setText('s-online', 'on this node');
  setText('v-rooms', count(s.rooms));
  setText('s-rooms', `${count(s.room_members)} members`);
  setText('v-in', r ? rate(r.in) : '–');
  setText('s-in', `${count(s.messages_in_total)} in all`);
  setText('v-out', r ? rate(r.out) : '–');
  setText('s-out', `${count(s.messages_out_total)} in all`);
  setText('v-changes', r ? rate(r.changes) : '–');
  setText('s-changes', `${r ? rate(r.deliveries) : '–'} deliveries/s`);
  setText('v-errors', r ? rate(r.errors) : '–');
  $('v-errors').classList.toggle('bad', !!(r && r.errors > 0));
  setText('s-errors', `${count(s.errors_total)} in all`);

  badge($('badge-ready'), s.ready ? 'Ready' : 'Not ready', s.ready ? 'ok' : 'bad',
    s.ready ? 'GET /readyz answers 200' : 'GET /readyz answers 503: not listening yet, or Redis is unreachable');
  badge($('badge-mode'), s.cluster ? 'Cluster' : 'Single node', s.cluster ? 'info' : 'plain',
    s.cluster ? 'cluster mode: presence and rooms are shared through Redis' : 'one node, in-memory presence');
  badge($('badge-node'), `node ${s.node_id}`, 'mono', `node id ${s.node_id}`);
  $('badges').hidden = false;

  kv($('totals'), [
    ['Messages in', count(s.messages_in_total)],
    ['Messages out', count(s.messages_out_total)],
    ['Presence changes', count(s.presence_changes_total)],
    ['Presence deliveries', count(s.presence_deliveries_total)],
    ['Sessions resumed', count(s.sessions_resumed_total)],
    ['Sessions expired', count(s.sessions_expired_total)],
    ['Room changes', count(s.room_changes_total)],
    ['Room snapshots and diffs', count(s.room_messages_total)],
    ['Signals', count(s.signals_total)],
    ['Errors sent', count(s.errors_total)],
  ]);
  kv($('node'), [
    ['Node id', s.node_id, true],
    ['Mode', s.cluster ? 'cluster (Redis)' : 'single node'],
    ['Uptime', duration(s.uptime_ms)],
    ['Server time', new Date(s.server_time).toLocaleString()],
    ['Heap', `${bytes(s.heap_used_bytes)} of ${bytes(s.heap_max_bytes)}`],
  ]);
  drawAll();
}

// ---------- views ----------

function showLogin(message) {
  $('dash').hidden = true;
  $('badges').hidden = true;
  $('actions').hidden = true;
  $('login').hidden = false;
  const err = $('login-error');
  err.textContent = message || '';
  err.hidden = !message;
  setStatus('Not connected');
  $('key').focus();
}

function showDash() {
  $('login').hidden = true;
  $('dash').hidden = false;
  $('actions').hidden = false;
  requestAnimationFrame(drawAll);
}

function setStatus(text, bad) {
  const el = $('status');
  el.textContent = text;
  el.classList.toggle('bad', !!bad);
}

function banner(text, bad) {
  const el = $('banner');
  el.textContent = text || '';
  el.hidden = !text;
  el.classList.toggle('bad', !!bad);
}

// ---------- polling ----------

let timer = null;
let failures = 0;
let generation = 0; // a poll of an older key or session is dropped

function stop() {
  generation++;
  clearTimeout(timer);
  timer = null;
}

function schedule(ms) {
  clearTimeout(timer);
  const gen = generation;
  timer = setTimeout(() => poll(gen), ms);
}

async function poll(gen) {
  const key = apiKey();
  if (!key) {
    showLogin();
    return;
  }
  const abort = new AbortController();
  const timeout = setTimeout(() => abort.abort(), REQUEST_TIMEOUT_MS);
  let res;
  try {
    res = await fetch(STATS_URL, {
      headers: { Authorization: `Bearer ${key}`, Accept: 'application/json' },
      cache: 'no-store',
      signal: abort.signal,
    });
  } catch (e) {
    clearTimeout(timeout);
    if (gen !== generation) return;
    return failed(gen, 'Cannot reach the server', e.name === 'AbortError' ? 'no answer within 5 s' : 'the connection failed');
  }
  clearTimeout(timeout);
  if (gen !== generation) return;
  if (res.status === 401) {
    sessionStorage.removeItem(KEY_STORAGE);
    stop();
    showLogin('The server refused this API key (401). Paste the current api_key.');
    return;
  }
  let body = null;
  try {
    body = await res.json();
  } catch { /* not JSON: handled below */ }
  if (gen !== generation) return;
  if (!res.ok || !body || typeof body.connections !== 'number') {
    const why = body && body.message ? body.message : `HTTP ${res.status}`;
    return failed(gen, `The server answered ${res.status}`, why);
  }
  failures = 0;
  banner(null);
  showDash();
  addSample(body);
  render();
  setStatus(`Live · updated ${clock(Date.now())} · every ${POLL_MS / 1000} s`);
  schedule(POLL_MS);
}

function failed(gen, what, why) {
  failures++;
  const wait = Math.min(MAX_BACKOFF_MS, POLL_MS * 2 ** Math.min(failures - 1, 3));
  if (lastStats) {
    showDash();
    banner(`${what}: ${why}. Retrying in ${Math.round(wait / 1000)} s; the numbers below are from ${clock(samples[samples.length - 1].t)}.`, true);
  } else {
    showLogin(`${what}: ${why}. Retrying…`);
  }
  setStatus(`${what} · retrying`, true);
  if (lastStats) badge($('badge-ready'), 'Unreachable', 'bad', `${what}: ${why}`);
  schedule(wait);
}

// ---------- start ----------

function start() {
  takeKeyFromFragment();
  document.querySelectorAll('figure.chart').forEach(setupChart);

  $('login-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const key = $('key').value.trim();
    if (!key) return;
    sessionStorage.setItem(KEY_STORAGE, key);
    $('key').value = '';
    $('login-error').hidden = true;
    setStatus('Connecting…');
    stop();
    schedule(0);
  });

  $('forget').addEventListener('click', () => {
    sessionStorage.removeItem(KEY_STORAGE);
    stop();
    samples = [];
    lastStats = null;
    showLogin();
  });

  document.querySelectorAll('[data-window]').forEach((b) => {
    b.setAttribute('aria-pressed', String(Number(b.dataset.window) === windowSeconds));
    b.addEventListener('click', () => {
      windowSeconds = Number(b.dataset.window);
      localStorage.setItem(WINDOW_STORAGE, String(windowSeconds));
      document.querySelectorAll('[data-window]').forEach((o) => o.setAttribute('aria-pressed', String(o === b)));
      drawAll();
    });
  });

  new ResizeObserver(() => drawAll()).observe(document.querySelector('.charts'));
  matchMedia('(prefers-color-scheme: dark)').addEventListener('change', drawAll);
  window.addEventListener('hashchange', () => {
    if (/(?:^#|&)key=/.test(location.hash)) {
      takeKeyFromFragment();
      stop();
      schedule(0);
    }
  });

  if (apiKey()) {
    setStatus('Connecting…');
    schedule(0);
  } else {
    showLogin();
  }
}

start();
