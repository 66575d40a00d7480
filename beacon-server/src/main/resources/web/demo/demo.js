// Beacon demo page: sign in under any name (dev mode), contacts with live status, your own status and
// custom status, a document with everyone's cursor and mode, a chat with "is typing…". Everything goes
// through the browser SDK (/sdk/beacon.js); nothing here talks to the server's WebSocket by itself.
import { Beacon } from '/sdk/beacon.js';

const DOC_ROOM = 'doc:demo';
const CHAT_ROOM = 'chat:demo';
/** Cursor moves sent at most this often (the server coalesces room meta to one per 50 ms anyway). */
const META_EVERY_MS = 50;
const MAX_MESSAGES = 200;
const PALETTE = ['#e5484d', '#f76b15', '#c28800', '#30a46c', '#12a594', '#0090ff', '#3e63dd', '#8e4ec6', '#d6409f', '#6e56cf'];
const STATUS_WORDS = { online: 'Online', away: 'Away', busy: 'Busy', offline: 'Offline' };
const LAST_SEEN_WORDS = {
  recently: 'recently',
  within_week: 'within a week',
  within_month: 'within a month',
  long_ago: 'a long time ago',
};
const ACTIVITY_WORDS = { in_call: 'in a call', in_meeting: 'in a meeting', presenting: 'presenting', focus: 'focusing' };
const DEVICE_ICONS = {
  web: '<svg viewBox="0 0 16 16" aria-hidden="true"><rect x="1.5" y="2.5" width="13" height="9" rx="1.5"/><path d="M5 14h6"/></svg>',
  desktop: '<svg viewBox="0 0 16 16" aria-hidden="true"><rect x="1.5" y="2.5" width="13" height="9" rx="1.5"/><path d="M8 11.5V14M5 14h6"/></svg>',
  mobile: '<svg viewBox="0 0 16 16" aria-hidden="true"><rect x="4.5" y="1.5" width="7" height="13" rx="1.5"/><path d="M7.3 12.2h1.4"/></svg>',
  other: '<svg viewBox="0 0 16 16" aria-hidden="true"><circle cx="8" cy="8" r="6"/></svg>',
};
const CURSOR_SVG = '<svg viewBox="0 0 20 20" aria-hidden="true"><path d="M3 2.5l13 6.2-5.6 1.6-2.5 5.4z"/></svg>';

// ------------------------------------------------------------------ small helpers

const $ = (id) => document.getElementById(id);

/** localStorage with a prefix and JSON; a browser that refuses storage just forgets. */
const store = {
  get(key, fallback) {
    try {
      const v = localStorage.getItem(`beacon-demo.${key}`);
      return v == null ? fallback : JSON.parse(v);
    } catch {
      return fallback;
    }
  },
  set(key, value) {
    try {
      localStorage.setItem(`beacon-demo.${key}`, JSON.stringify(value));
    } catch {
      // private mode or full: not remembered
    }
  },
  remove(key) {
    try {
      localStorage.removeItem(`beacon-demo.${key}`);
    } catch {
      // nothing to forget
    }
  },
};

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v == null || v === false) {
      continue;
    }
    if (k === 'class') {
      e.className = v;
    } else if (k === 'text') {
      e.textContent = v;
    } else if (k === 'html') {
      e.innerHTML = v; // only for the constant SVG icons above
    } else if (k === 'style') {
      e.style.cssText = v;
    } else {
      e.setAttribute(k, v === true ? '' : v);
    }
  }
  e.append(...children.filter((c) => c != null));
  return e;
}

function colorOf(name) {
  let h = 2166136261;
  for (const ch of String(name)) {
    h = Math.imul(h ^ ch.codePointAt(0), 16777619);
  }
  return PALETTE[(h >>> 0) % PALETTE.length];
}

function initials(name) {
  const parts = String(name).trim().split(/[\s._@-]+/).filter(Boolean);
  const letters = parts.length > 1 ? [parts[0], parts[1]].map((p) => [...p][0]) : [...(parts[0] || '?')].slice(0, 1);
  return letters.join('');
}

function avatar(name, size = '', status = null) {
  const a = el('span', { class: `avatar ${size}`.trim(), style: `--c:${colorOf(name)}`, 'aria-hidden': 'true', text: initials(name) });
  if (status) {
    a.dataset.status = status;
    a.classList.toggle('is-offline', status === 'offline');
    a.append(el('span', { class: 'dot' }));
  }
  return a;
}

function clockTime(ms) {
  return new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

/** "just now", "5 min ago", "3 h ago", "yesterday", "4 days ago", or a date. */
function ago(ms, now = Date.now()) {
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 45) {
    return 'just now';
  }
  const m = Math.round(s / 60);
  if (m < 60) {
    return `${m} min ago`;
  }
  const h = Math.round(m / 60);
  if (h < 24) {
    return `${h} h ago`;
  }
  const d = Math.round(h / 24);
  if (d === 1) {
    return 'yesterday';
  }
  if (d < 7) {
    return `${d} days ago`;
  }
  return `on ${new Date(ms).toLocaleDateString([], { day: 'numeric', month: 'short', year: d > 300 ? 'numeric' : undefined })}`;
}

function lastSeenText(lastSeen) {
  if (lastSeen == null) {
    return null;
  }
  return typeof lastSeen === 'number' ? `last seen ${ago(lastSeen)}` : `last seen ${LAST_SEEN_WORDS[lastSeen] || lastSeen}`;
}

/** When a custom status chosen now should clear, in epoch ms (undefined: never). */
function expiryFrom(choice, now = Date.now()) {
  switch (choice) {
    case '30m': return now + 30 * 60_000;
    case '1h': return now + 60 * 60_000;
    case '4h': return now + 4 * 60 * 60_000;
    case 'today': {
      const end = new Date(now);
      end.setHours(23, 59, 59, 0);
      return Math.max(end.getTime(), now + 60_000);
    }
    default: return undefined;
  }
}

function expiryText(expiresAt) {
  if (!expiresAt) {
    return "doesn't clear";
  }
  const d = new Date(expiresAt);
  const today = new Date();
  const sameDay = d.toDateString() === today.toDateString();
  return `clears ${sameDay ? 'at' : 'on'} ${sameDay ? clockTime(expiresAt) : d.toLocaleString([], { weekday: 'short', hour: '2-digit', minute: '2-digit' })}`;
}

function toast(text, bad = false) {
  const t = el('div', { class: `toast${bad ? ' bad' : ''}`, text });
  $('toasts').append(t);
  setTimeout(() => t.remove(), bad ? 6000 : 3500);
}

function describeError(e) {
  const code = e && e.code ? e.code : 'error';
  const msg = e && e.message ? e.message : String(e);
  return code === 'rate_limited' ? 'Too fast — the server allows 10 signals a second. Try again in a moment.' : `${msg} (${code})`;
}

/** The device kind of this browser, for the other people's device lists. */
function thisDevice() {
  return /Mobi|Android|iPhone|iPad/i.test(navigator.userAgent) ? 'mobile' : 'web';
}

function wsUrl() {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/v1/connect`;
}

async function http(method, path, body, token) {
  const headers = { 'Content-Type': 'application/json' };
  if (token) {
    headers.Authorization = `Bearer ${token}`;
  }
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' });
  let json = null;
  try {
    json = await res.json();
  } catch {
    // not JSON
  }
  if (!res.ok) {
    const e = new Error((json && json.message) || `HTTP ${res.status}`);
    e.code = (json && json.code) || `http_${res.status}`;
    throw e;
  }
  return json;
}

// ------------------------------------------------------------------ state

/** Everything of one signed-in session; replaced on sign-out. */
let S = null;
/** Whether this server mints dev tokens (GET /v1/dev/info). */
let dev = null;

function newSession(name) {
  return {
    name, // what was typed; the user id comes from the welcome
    me: null,
    token: null,
    beacon: null,
    contacts: [],
    doc: null,
    chat: null,
    mode: 'viewing',
    color: colorOf(name || ''),
    cursor: null,
    cursorAt: 0,
    meta: { timer: null, dirty: false, last: 0 },
    // contacts added or removed here whose write has not been answered yet: a list read meanwhile
    // from the server does not know of them
    pendingAdds: new Set(),
    pendingRemoves: new Set(),
    abort: new AbortController(),
    signingOut: false,
  };
}

// ------------------------------------------------------------------ sign in / out

async function mintToken(name) {
  const res = await http('POST', '/v1/dev/token', { user_id: name, rooms: ['doc:*', 'chat:*'] });
  return res.token;
}

async function devContacts(body) {
  return http('POST', '/v1/dev/contacts', body, S.token);
}

function showSignIn() {
  $('session').hidden = true;
  $('app').hidden = true;
  $('signin').hidden = false;
  $('signin-loading').hidden = dev !== null;
  if (dev === false) {
    $('lead').textContent = 'Connect with a client token, open this page in a second browser with another user\'s token, and watch each other\'s status, cursors and typing arrive live.';
  }
  $('dev-form').hidden = dev !== true;
  $('token-form').hidden = dev !== false;
  setSigningIn(false);
}

function setSigningIn(busy) {
  for (const b of document.querySelectorAll('#signin button[type=submit]')) {
    b.disabled = busy;
  }
  $('sign-in').textContent = busy ? 'Signing in…' : 'Sign in';
}

function signInError(text) {
  const e = $('signin-error');
  e.textContent = text;
  e.hidden = !text;
}

/** Signs in with a name (dev mode: the page mints the token) or with a pasted token. */
async function signIn({ name, token }) {
  if (S) {
    return;
  }
  signInError('');
  setSigningIn(true);
  const session = newSession(name || '');
  S = session;
  try {
    let first = token || (await mintToken(name));
    session.token = first;
    const beacon = new Beacon({
      url: wsUrl(),
      device: thisDevice(),
      // a function: the SDK asks again when the token expires (dev mode mints a fresh one)
      token: () => {
        if (first) {
          const t = first;
          first = null;
          return t;
        }
        return dev ? mintToken(session.me || name).then((t) => (session.token = t)) : session.token;
      },
    });
    session.beacon = beacon;
    beacon.on('state', (state) => S === session && renderConnState(state));
    beacon.on('closed', (why) => S === session && !session.signingOut && connectionEnded(why));
    beacon.on('error', (e) => S === session && session.me && toast(describeError(e), true));
    beacon.on('presence', (p) => S === session && onPresence(p));
    beacon.on('welcome', (w) => S === session && renderConnState(beacon.state, w));
    // a pasted token the server refuses will not get better: give up at once, with the server's reason
    let lastError = null;
    beacon.on('error', (e) => (lastError = e));
    const refused = new Promise((_, reject) => beacon.on('token_needed', (code) => {
      if (!dev && !session.me) {
        reject(Object.assign(new Error(lastError?.message || 'the server refused this token'), { code }));
      } else if (!dev && S === session) {
        $('banner-text').textContent = 'Your token expired: sign in again with a fresh one from your backend.';
        $('banner').hidden = false;
      }
    }));
    refused.catch(() => {});
    $('session').hidden = false;
    renderConnState('connecting');
    const stillTrying = setTimeout(() => S === session && signInError('Still trying to connect… is the server running?'), 8000);
    let welcome;
    try {
      const connecting = beacon.connect();
      connecting.catch(() => {}); // when the token is refused, the race below tells why
      welcome = await Promise.race([connecting, refused]);
    } finally {
      clearTimeout(stillTrying);
    }
    if (S !== session) {
      return; // signed out while connecting
    }
    signInError('');
    session.me = welcome.userId;
    session.color = colorOf(session.me);
    renderConnState(beacon.state, welcome);
    store.set('name', session.me);
    store.set('signedIn', dev === true);
    if (dev) {
      history.replaceState(null, '', `?name=${encodeURIComponent(session.me)}`);
    }
    showApp();
    await startApp(session);
  } catch (e) {
    if (S === session) {
      S = null;
      session.abort.abort();
      session.beacon?.close();
      showSignIn();
      signInError(e.code === 'unauthorized' || e.code === 'token_expired'
        ? `The server refused the token: ${e.message}`
        : `Could not sign in: ${describeError(e)}`);
    }
  }
}

async function signOut() {
  const session = S;
  if (!session) {
    return;
  }
  session.signingOut = true;
  // leave the rooms first, so the others see us go now rather than after the offline grace
  const leaving = [session.doc, session.chat].filter(Boolean).map((r) => r.leave().catch(() => {}));
  await Promise.race([Promise.all(leaving), new Promise((r) => setTimeout(r, 800))]);
  session.abort.abort();
  clearTimeout(session.meta.timer);
  session.beacon?.close();
  S = null;
  store.set('signedIn', false);
  history.replaceState(null, '', location.pathname);
  resetApp();
  showSignIn();
  $('name').value = session.me || session.name || '';
  $('name').focus();
}

function connectionEnded(why) {
  $('banner-text').textContent = why.code === 'disconnected'
    ? 'The server ended this session.'
    : `The connection ended: ${why.message || why.code}.`;
  $('banner').hidden = false;
}

// ------------------------------------------------------------------ the app

function showApp() {
  $('signin').hidden = true;
  $('app').hidden = false;
  $('banner').hidden = true;
  $('me-name').textContent = S.me;
  $('me-avatar').replaceWith(Object.assign(avatar(S.me, 'avatar-sm'), { id: 'me-avatar' }));
  $('status-select').value = store.get(`status.${S.me}`, 'auto');
  renderStatusHint();
  $('contacts-hint').textContent = dev
    ? 'Adding someone makes you contacts both ways (dev mode). By default people see only their contacts.'
    : 'Who may see whom is up to your backend: the server shows you only users who have you as a contact.';
  renderMe(null);
  renderContacts();
  renderSuggestions();
}

function resetApp() {
  $('contacts').replaceChildren();
  $('viewers').replaceChildren();
  $('cursors').replaceChildren();
  $('messages').replaceChildren(el('li', { class: 'messages-empty', id: 'messages-empty', text: 'No messages yet. Say hello!' }));
  $('typing').textContent = '';
  $('chat-input').value = '';
  $('custom-text').value = '';
  $('custom-emoji').value = '';
  setMode('viewing', false);
  renderConnState('idle');
}

async function startApp(session) {
  const { beacon } = session;
  const signal = session.abort.signal;
  session.contacts = store.get(`contacts.${session.me}`, []).filter((c) => typeof c === 'string' && c !== session.me);
  session.mode = store.get(`mode.${session.me}`, 'viewing') === 'editing' ? 'editing' : 'viewing';
  setMode(session.mode, false);
  renderContacts();

  // re-render "last seen 5 min ago" as time passes
  const ticker = setInterval(() => renderContacts(), 20_000);
  signal.addEventListener('abort', () => clearInterval(ticker));
  // send the latest meta when the connection comes back
  beacon.on('state', (state) => {
    if (S === session && state === 'open' && session.meta.dirty) {
      pushMeta();
    }
  });

  // yourself (to show your own status as the server sees it) and your contacts; subscribed before
  // the contacts are written, so that the new views arrive on the live subscriptions
  await beacon.subscribe([session.me, ...session.contacts]).then(renderAll, (e) => toast(`Subscribe: ${describeError(e)}`, true));
  if (dev && S === session) {
    // make sure the server knows the contacts both ways (a fresh data_dir forgot them), and learn
    // who added you meanwhile
    try {
      const res = await devContacts({ add: session.contacts });
      await adoptServerContacts(res.user_ids);
    } catch (e) {
      toast(`Contacts: ${describeError(e)}`, true);
    }
  }
  recheckHidden(session.contacts);

  await Promise.all([joinDoc(session), joinChat(session)]);
}

function renderAll() {
  if (!S) {
    return;
  }
  renderMe(S.beacon.presence.get(S.me) || null);
  renderContacts();
}

function onPresence(p) {
  if (p.user_id === S.me) {
    renderMe(p);
  }
  if (S.contacts.includes(p.user_id)) {
    renderContact(p.user_id);
  }
}

function renderConnState(state, welcome) {
  const c = document.querySelector('[data-testid=conn-state]');
  c.dataset.state = state;
  if (welcome && S) {
    S.welcome = welcome;
  }
  const transport = (welcome || S?.welcome)?.transport;
  const words = {
    idle: 'Not connected',
    connecting: 'Connecting…',
    open: transport === 'sse' ? 'Connected · SSE' : 'Connected',
    reconnecting: 'Reconnecting…',
    closed: 'Disconnected',
  };
  c.querySelector('.conn-text').textContent = words[state] || state;
  const w = S?.welcome;
  c.title = state === 'open' && w ? `session ${w.sessionId} over ${w.transport}` : '';
  if (state === 'open') {
    $('banner').hidden = true;
  }
}

// ------------------------------------------------------------------ you: status and custom status

function renderMe(p) {
  const box = $('my-status');
  const status = p ? p.status : 'offline';
  box.dataset.status = status;
  const manual = $('status-select').value;
  let text = STATUS_WORDS[status];
  if (status === 'busy') {
    text = 'Busy · do not disturb';
  } else if (manual === 'invisible' && status !== 'offline') {
    text = `${text} · invisible`;
  } else if (status === 'away' && manual === 'auto') {
    text = 'Away · idle';
  }
  box.querySelector('.my-status-text').textContent = p ? text : 'Connecting…';
  box.title = p ? `version ${p.version}` : '';
  const dotHolder = $('me-avatar');
  dotHolder.dataset.status = status;
  let dot = dotHolder.querySelector('.dot');
  if (!dot) {
    dot = el('span', { class: 'dot' });
    dotHolder.append(dot);
  }

  // the select follows what the server says where it can tell (another device may have changed it)
  if (p && status === 'busy' && manual !== 'busy') {
    setManual('busy', false);
  } else if (p && manual === 'busy' && (status === 'online' || status === 'away')) {
    setManual('auto', false);
  }

  const cs = p && p.custom_status;
  $('custom-current').hidden = !cs;
  if (cs) {
    $('custom-current-emoji').textContent = cs.emoji || '';
    $('custom-current-emoji').hidden = !cs.emoji;
    $('custom-current-text').textContent = cs.text || '(no text)';
    $('custom-current-expiry').textContent = expiryText(cs.expires_at);
  }
  $('custom-clear').disabled = !cs;
}

function setManual(value, remember = true) {
  $('status-select').value = value;
  if (remember && S) {
    store.set(`status.${S.me}`, value);
  }
  renderStatusHint();
}

function renderStatusHint() {
  const hints = {
    auto: 'Online while you use this page; away after a minute without input or when the tab is hidden.',
    busy: 'Others see you as busy: a good time not to disturb you.',
    away: 'Others see you as away, whatever you do.',
    invisible: 'Others see you offline. You still see everyone, and the document and chat still show you: joining a room is being there.',
  };
  $('status-hint').textContent = hints[$('status-select').value] || '';
}

async function changeStatus() {
  const value = $('status-select').value;
  setManual(value);
  try {
    await S.beacon.setStatus(value);
    renderMe(S.beacon.presence.get(S.me) || null);
  } catch (e) {
    toast(`Status: ${describeError(e)}`, true);
  }
}

async function saveCustomStatus(ev) {
  ev.preventDefault();
  const text = $('custom-text').value.trim();
  const emoji = $('custom-emoji').value.trim();
  if (!text && !emoji) {
    $('custom-text').focus();
    toast('Type a status or pick a suggestion first.');
    return;
  }
  try {
    await S.beacon.setCustomStatus({ text, emoji: emoji || undefined, expiresAt: expiryFrom($('custom-expiry').value) });
    $('custom-text').value = '';
    $('custom-emoji').value = '';
    $('custom-expiry').value = 'none';
  } catch (e) {
    toast(`Custom status: ${describeError(e)}`, true);
  }
}

async function clearCustomStatus() {
  try {
    await S.beacon.clearCustomStatus();
  } catch (e) {
    toast(`Custom status: ${describeError(e)}`, true);
  }
}

// ------------------------------------------------------------------ contacts

function saveContacts() {
  store.set(`contacts.${S.me}`, S.contacts);
}

/** Dev mode: the server's list (mutual contacts) is the truth once known; subscribe to newcomers. */
async function adoptServerContacts(ids) {
  if (!S || !Array.isArray(ids)) {
    return;
  }
  const server = new Set(ids);
  const kept = S.contacts.filter((c) => server.has(c) || S.pendingAdds.has(c));
  const added = ids.filter((c) => !S.contacts.includes(c) && c !== S.me && !S.pendingRemoves.has(c));
  const gone = S.contacts.filter((c) => !kept.includes(c));
  S.contacts = [...kept, ...added];
  saveContacts();
  renderContacts();
  renderSuggestions();
  if (gone.length > 0) {
    S.beacon.unsubscribe(gone).catch(() => {});
  }
  if (added.length > 0) {
    await S.beacon.subscribe(added).then(renderAll, (e) => toast(`Subscribe: ${describeError(e)}`, true));
    recheckHidden(added);
  }
}

/**
 * Contacts that still look hidden (version 0) a moment after their contacts changed are read once
 * more: a subscription made while the server was still reloading someone's privacy rules can answer
 * with the old view, and no update corrects it until that user changes again.
 */
function recheckHidden(ids) {
  const session = S;
  setTimeout(() => {
    if (S !== session || session.beacon.state !== 'open') {
      return;
    }
    const hidden = ids.filter((id) => session.contacts.includes(id) && (session.beacon.presence.get(id)?.version ?? 0) === 0);
    if (hidden.length > 0) {
      session.beacon.query(hidden).then(renderAll, () => {});
    }
  }, 1500);
}

async function addContact(raw) {
  const id = raw.trim();
  if (!id) {
    return;
  }
  if (id === S.me) {
    toast("That's you — your own status is at the top.");
    return;
  }
  if (S.contacts.includes(id)) {
    document.querySelector(`[data-testid=contact][data-user="${CSS.escape(id)}"]`)?.scrollIntoView({ block: 'nearest' });
    return;
  }
  const session = S;
  session.contacts.push(id);
  session.pendingAdds.add(id);
  saveContacts();
  renderContacts();
  renderSuggestions();
  try {
    // subscribe first: when the contacts change, the new view arrives on the live subscription
    await session.beacon.subscribe([id]);
    renderContact(id);
    if (dev) {
      await devContacts({ add: [id] });
      // tell them, so that their page lists you at once (an app signal; they check with the server)
      session.chat?.signal('contacts', { changed: [id] }).catch(() => {});
      recheckHidden([id]);
    }
  } catch (e) {
    toast(`Could not add ${id}: ${describeError(e)}`, true);
  } finally {
    session.pendingAdds.delete(id);
  }
}

async function removeContact(id) {
  const session = S;
  session.contacts = session.contacts.filter((c) => c !== id);
  session.pendingRemoves.add(id);
  saveContacts();
  renderContacts();
  renderSuggestions();
  try {
    if (dev) {
      await devContacts({ remove: [id] });
      session.chat?.signal('contacts', { changed: [id] }).catch(() => {});
    }
    await session.beacon.unsubscribe([id]);
  } catch (e) {
    toast(`Could not remove ${id}: ${describeError(e)}`, true);
  } finally {
    session.pendingRemoves.delete(id);
  }
}

function renderContacts() {
  if (!S) {
    return;
  }
  const list = $('contacts');
  const existing = new Map([...list.children].map((li) => [li.dataset.user, li]));
  const sorted = [...S.contacts].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  list.replaceChildren(...sorted.map((id) => fillContact(existing.get(id) || newContact(id), id)));
  $('contacts-empty').hidden = S.contacts.length > 0;
  const online = S.contacts.filter((c) => (S.beacon.presence.get(c)?.status || 'offline') !== 'offline').length;
  $('contacts-count').textContent = S.contacts.length ? `${online} of ${S.contacts.length} online` : '';
}

function rank(id) {
  const order = { online: 0, busy: 1, away: 2, offline: 3 };
  return order[S.beacon.presence.get(id)?.status || 'offline'];
}

function renderContact(id) {
  const li = document.querySelector(`[data-testid=contact][data-user="${CSS.escape(id)}"]`);
  if (!li) {
    renderContacts();
    return;
  }
  const before = li.dataset.status;
  fillContact(li, id);
  if (before !== li.dataset.status) {
    renderContacts(); // the order and the count change
  }
}

function newContact(id) {
  const remove = el('button', { type: 'button', class: 'remove', title: `Remove ${id}`, 'aria-label': `Remove ${id}`, text: '×' });
  remove.addEventListener('click', () => removeContact(id));
  return el('li', { class: 'contact', 'data-testid': 'contact', 'data-user': id },
    avatar(id, '', 'offline'),
    el('div', { class: 'contact-main' },
      el('span', { class: 'contact-name', text: id }),
      el('span', { class: 'contact-status' }),
      el('span', { class: 'contact-custom', 'data-testid': 'contact-custom' }),
      el('span', { class: 'devices' })),
    remove);
}

function fillContact(li, id) {
  const p = S.beacon.presence.get(id);
  const status = p ? p.status : 'offline';
  li.dataset.status = status;
  const av = li.querySelector('.avatar');
  av.dataset.status = status;
  av.classList.toggle('is-offline', status === 'offline');

  const line = li.querySelector('.contact-status');
  line.replaceChildren();
  if (!p) {
    line.textContent = 'Loading…';
  } else if (p.version === 0) {
    line.append(el('b', { text: 'Offline' }), ' · hidden from you, or never seen');
  } else {
    const parts = [];
    if (p.activity) {
      parts.push(ACTIVITY_WORDS[p.activity] || p.activity.replace(/_/g, ' '));
    }
    if (status !== 'online') {
      const seen = lastSeenText(p.last_seen);
      if (seen) {
        parts.push(seen);
      }
    }
    line.append(el('b', { text: status === 'busy' ? 'Busy' : STATUS_WORDS[status] }));
    if (parts.length) {
      line.append(` · ${parts.join(' · ')}`);
    }
  }
  line.title = line.textContent;

  const custom = li.querySelector('.contact-custom');
  const cs = p && p.custom_status;
  custom.replaceChildren();
  if (cs) {
    if (cs.emoji) {
      custom.append(el('span', { class: 'emoji', text: cs.emoji }));
    }
    custom.append(cs.text || '');
    custom.title = `${cs.emoji ? `${cs.emoji} ` : ''}${cs.text}${cs.expires_at ? ` — ${expiryText(cs.expires_at)}` : ''}`;
  } else {
    custom.removeAttribute('title');
  }

  const devices = li.querySelector('.devices');
  devices.replaceChildren(...(p?.devices || []).map((d) => el('span', { class: 'device', 'data-status': d.status, title: `${d.device}: ${d.status}` },
    el('span', { class: 'icon', html: DEVICE_ICONS[d.device] || DEVICE_ICONS.other }), d.device, el('span', { class: 'dot' }))));
  return li;
}

function renderSuggestions() {
  const box = $('suggestions');
  if (!S || !dev) {
    box.replaceChildren();
    return;
  }
  const names = ['alice', 'bob', 'carol', 'dave'].filter((n) => n !== S.me && !S.contacts.includes(n)).slice(0, 3);
  box.replaceChildren(...names.map((n) => {
    const b = el('button', { type: 'button', class: 'chip', text: `+ ${n}` });
    b.addEventListener('click', () => addContact(n));
    return b;
  }));
}

// ------------------------------------------------------------------ the document

function docMeta() {
  const m = { name: S.me, color: S.color, mode: S.mode, cursor: S.cursor };
  if (S.cursor) {
    m.t = S.cursorAt; // which of a user's sessions moved last
  }
  return m;
}

async function joinDoc(session) {
  try {
    const room = await session.beacon.join(DOC_ROOM, docMeta());
    if (S !== session) {
      return;
    }
    session.doc = room;
    room.on('change', () => S === session && renderDoc());
    room.on('closed', (why) => S === session && toast(`Left ${DOC_ROOM}: ${why.message}`, true));
    renderDoc();
  } catch (e) {
    toast(`Could not join ${DOC_ROOM}: ${describeError(e)}`, true);
  }
}

/** Sends this session's meta at most every META_EVERY_MS, always ending with the latest. */
function pushMeta() {
  const m = S.meta;
  m.dirty = true;
  if (m.timer) {
    return;
  }
  m.timer = setTimeout(flushMeta, Math.max(0, m.last + META_EVERY_MS - performance.now()));
}

function flushMeta() {
  const session = S;
  if (!session) {
    return;
  }
  const m = session.meta;
  m.timer = null;
  if (!m.dirty || !session.doc || session.doc.left || session.beacon.state !== 'open') {
    return; // not connected: sent when the connection is back ('state' → open)
  }
  m.dirty = false;
  m.last = performance.now();
  session.doc.setMeta(docMeta()).catch((e) => {
    if (e.code !== 'closed') {
      m.dirty = true;
    }
  });
}

function setMode(mode, send = true) {
  if (S) {
    S.mode = mode;
    if (S.me) {
      store.set(`mode.${S.me}`, mode);
    }
  }
  const t = $('mode-toggle');
  t.dataset.mode = mode;
  t.setAttribute('aria-pressed', String(mode === 'editing'));
  t.querySelector('.mode-text').textContent = mode === 'editing' ? 'Editing' : 'Viewing';
  t.title = mode === 'editing' ? 'You are editing: click to only view' : 'You are viewing: click to edit';
  $('paper').contentEditable = mode === 'editing' ? 'true' : 'false';
  if (send && S && S.doc) {
    pushMeta();
    renderDoc();
  }
}

/** The meta that speaks for a member: their most recently joined session's. */
function memberMeta(member) {
  const s = member.sessions;
  return (s.length ? s[s.length - 1].meta : null) || {};
}

/** A member's cursor: the one of their sessions that moved last (null when none is over the document). */
function memberCursor(member) {
  let best = null;
  for (const s of member.sessions) {
    const c = s.meta && s.meta.cursor;
    if (c && typeof c.x === 'number' && typeof c.y === 'number' && (!best || (s.meta.t || 0) > (best.meta.t || 0))) {
      best = s;
    }
  }
  return best ? { ...best.meta.cursor, meta: best.meta } : null;
}

function renderDoc() {
  if (!S || !S.doc) {
    return;
  }
  const members = S.doc.members;
  // who is here (you first)
  const mine = members.find((m) => m.user_id === S.me);
  const ordered = mine ? [mine, ...members.filter((m) => m !== mine)] : members;
  $('viewers').replaceChildren(...ordered.map((m) => {
    const meta = m.user_id === S.me ? docMeta() : memberMeta(m);
    const mode = meta.mode === 'editing' ? 'editing' : 'viewing';
    const devices = m.sessions.length > 1 ? ` (${m.sessions.length} sessions)` : '';
    return el('li', { class: 'viewer', 'data-testid': 'viewer', 'data-user': m.user_id, 'data-mode': mode, style: `--vc:${colorOf(m.user_id)}`, title: `${m.user_id} is ${mode}${devices}` },
      avatar(m.user_id, 'avatar-xs'),
      el('span', { class: 'viewer-name', text: m.user_id === S.me ? `${m.user_id} (you)` : m.user_id }),
      el('span', { class: 'viewer-mode', text: mode }));
  }));
  renderCursors();
}

function renderCursors() {
  const layer = $('cursors');
  const doc = $('doc');
  const w = doc.clientWidth;
  const h = doc.clientHeight;
  const shown = new Set();
  for (const m of S.doc.members) {
    if (m.user_id === S.me) {
      continue;
    }
    const c = memberCursor(m);
    if (!c) {
      continue;
    }
    shown.add(m.user_id);
    let node = layer.querySelector(`[data-user="${CSS.escape(m.user_id)}"]`);
    if (!node) {
      node = el('div', { class: 'cursor', 'data-testid': 'cursor', 'data-user': m.user_id, html: CURSOR_SVG });
      node.append(el('span', { class: 'cursor-label', text: m.user_id }));
      layer.append(node);
    }
    node.style.setProperty('--c', typeof c.meta.color === 'string' && /^#[0-9a-f]{6}$/i.test(c.meta.color) ? c.meta.color : colorOf(m.user_id));
    node.dataset.mode = c.meta.mode === 'editing' ? 'editing' : 'viewing';
    const x = Math.min(1, Math.max(0, c.x)) * w;
    const y = Math.min(1, Math.max(0, c.y)) * h;
    node.style.transform = `translate(${x.toFixed(1)}px, ${y.toFixed(1)}px)`;
    node.classList.toggle('flip', x > w - 150);
  }
  for (const node of [...layer.children]) {
    if (!shown.has(node.dataset.user)) {
      node.remove();
    }
  }
}

function onPointer(ev) {
  if (!S || !S.doc) {
    return;
  }
  const r = $('doc').getBoundingClientRect();
  const x = (ev.clientX - r.left) / r.width;
  const y = (ev.clientY - r.top) / r.height;
  if (ev.type === 'pointerleave' || x < 0 || x > 1 || y < 0 || y > 1) {
    if (S.cursor === null) {
      return;
    }
    S.cursor = null;
  } else {
    S.cursor = { x: Math.round(x * 10000) / 10000, y: Math.round(y * 10000) / 10000 };
    S.cursorAt = Date.now();
  }
  pushMeta();
}

// ------------------------------------------------------------------ the chat

async function joinChat(session) {
  try {
    const room = await session.beacon.join(CHAT_ROOM, { name: session.me, color: session.color });
    if (S !== session) {
      return;
    }
    session.chat = room;
    room.on('signal', (s) => S === session && onSignal(s));
    room.on('typing', () => S === session && renderTyping());
    room.on('change', (c) => {
      if (S !== session) {
        return;
      }
      if (!c.snapshot) {
        for (const m of c.joins) {
          if (m.user_id !== session.me) {
            addEvent(`${m.user_id} joined`);
          }
        }
        for (const id of c.leaves) {
          addEvent(`${id} left`);
        }
      }
      renderChatCount();
      renderTyping();
    });
    room.on('closed', (why) => S === session && toast(`Left ${CHAT_ROOM}: ${why.message}`, true));
    renderChatCount();
    renderTyping();
  } catch (e) {
    toast(`Could not join ${CHAT_ROOM}: ${describeError(e)}`, true);
  }
}

function onSignal(s) {
  if (s.kind === 'chat' && s.data && typeof s.data.text === 'string') {
    addMessage(s.user_id, s.data.text, false);
  } else if (s.kind === 'contacts' && dev && s.data && Array.isArray(s.data.changed) && s.data.changed.includes(S.me)) {
    // someone added or removed us: ask the server for our list (the signal itself proves nothing)
    devContacts({}).then((res) => adoptServerContacts(res.user_ids), () => {});
  }
}

function renderChatCount() {
  const n = S.chat ? S.chat.count : 0;
  $('chat-count').textContent = n ? `${n} here` : '';
}

function renderTyping() {
  const who = S.chat ? S.chat.typingUsers.filter((u) => u !== S.me) : [];
  let text = '';
  if (who.length === 1) {
    text = `${who[0]} is typing…`;
  } else if (who.length === 2) {
    text = `${who[0]} and ${who[1]} are typing…`;
  } else if (who.length > 2) {
    text = `${who[0]}, ${who[1]} and ${who.length - 2} more are typing…`;
  }
  $('typing').textContent = text;
}

function atBottom(list) {
  return list.scrollHeight - list.scrollTop - list.clientHeight < 40;
}

function appendToChat(item) {
  const list = $('messages');
  const stick = atBottom(list);
  $('messages-empty')?.remove();
  list.append(item);
  while (list.children.length > MAX_MESSAGES) {
    list.firstElementChild.remove();
  }
  if (stick || item.classList.contains('mine')) {
    list.scrollTop = list.scrollHeight;
  }
}

function addMessage(from, text, mine) {
  const li = el('li', { class: `msg${mine ? ' mine' : ''}`, 'data-testid': 'chat-message', 'data-user': from },
    avatar(from, 'avatar-sm'),
    el('div', { class: 'msg-body' },
      el('div', { class: 'msg-meta' },
        el('span', { class: 'msg-from', text: from }),
        mine ? el('span', { class: 'msg-you', text: '(you)' }) : null,
        el('time', { datetime: new Date().toISOString(), text: clockTime(Date.now()) })),
      el('p', { class: 'msg-text', text })));
  appendToChat(li);
  return li;
}

function addEvent(text) {
  appendToChat(el('li', { class: 'event', text }));
}

async function sendChat(ev) {
  ev.preventDefault();
  const input = $('chat-input');
  const text = input.value.trim();
  if (!text || !S || !S.chat) {
    return;
  }
  input.value = '';
  const li = addMessage(S.me, text, true);
  try {
    S.chat.stopTyping().catch(() => {});
    await S.chat.signal('chat', { text });
  } catch (e) {
    li.classList.add('failed');
    li.querySelector('.msg-body').append(el('div', { class: 'msg-note', text: `Not sent: ${describeError(e)}` }));
  }
}

function onChatInput() {
  if (!S || !S.chat) {
    return;
  }
  const typing = $('chat-input').value.trim().length > 0 ? S.chat.typing() : S.chat.stopTyping();
  typing.catch(() => {});
}

// ------------------------------------------------------------------ start

function wire() {
  $('dev-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const name = $('name').value.trim();
    if (name) {
      signIn({ name });
    }
  });
  $('token-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const token = $('token').value.trim();
    if (token) {
      signIn({ token });
    }
  });
  $('sign-out').addEventListener('click', signOut);
  $('banner-action').addEventListener('click', async () => {
    const name = S?.me;
    await signOut();
    if (dev && name) {
      signIn({ name });
    }
  });
  $('status-select').addEventListener('change', changeStatus);
  $('custom-form').addEventListener('submit', saveCustomStatus);
  $('custom-clear').addEventListener('click', clearCustomStatus);
  for (const chip of document.querySelectorAll('.presets .chip')) {
    chip.addEventListener('click', () => {
      $('custom-emoji').value = chip.dataset.emoji;
      $('custom-text').value = chip.dataset.text;
      $('custom-expiry').value = chip.dataset.expiry;
      $('custom-text').focus();
    });
  }
  $('add-contact-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const input = $('add-contact');
    addContact(input.value);
    input.value = '';
  });
  $('mode-toggle').addEventListener('click', () => S && setMode(S.mode === 'editing' ? 'viewing' : 'editing'));
  const doc = $('doc');
  doc.addEventListener('pointermove', onPointer);
  doc.addEventListener('pointerdown', onPointer);
  doc.addEventListener('pointerleave', onPointer);
  new ResizeObserver(() => S && S.doc && renderCursors()).observe(doc);
  // leaving the page: take our cursor away now (the session lingers for the offline grace, in case
  // this is a reload). Registered before the SDK's own pagehide listener, which detaches the tab.
  window.addEventListener('pagehide', () => {
    if (S && S.doc && !S.doc.left && S.cursor) {
      S.cursor = null;
      S.doc.setMeta(docMeta()).catch(() => {});
    }
  });
  $('chat-form').addEventListener('submit', sendChat);
  $('chat-input').addEventListener('input', onChatInput);
}

async function main() {
  wire();
  const remembered = store.get('name', '');
  $('name').value = remembered;
  showSignIn();
  try {
    const info = await http('GET', '/v1/dev/info');
    dev = info.dev === true;
    if (!dev && info.reason) {
      $('dev-reason').textContent = info.reason.charAt(0).toUpperCase() + info.reason.slice(1);
    }
  } catch (e) {
    dev = false;
    $('dev-reason').textContent = `The server did not say whether it mints tokens (${describeError(e)})`;
  }
  showSignIn();
  const fromUrl = new URLSearchParams(location.search).get('name');
  if (dev && fromUrl && fromUrl.trim()) {
    $('name').value = fromUrl.trim();
    signIn({ name: fromUrl.trim() });
  } else if (dev && remembered && store.get('signedIn', false)) {
    signIn({ name: remembered });
  } else {
    (dev ? $('name') : $('token')).focus();
  }
}

main();
