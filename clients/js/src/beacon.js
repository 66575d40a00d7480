// Beacon's browser SDK: presence (who is online, away, busy), rooms (who is here, their cursors and
// modes), typing and read signals. One connection per browser profile and user: the tabs share it
// through a SharedWorker, so ten tabs cost one socket and closing one of them is not a leave.
//
//   import { Beacon } from '/sdk/beacon.js';
//   const beacon = new Beacon({ url: 'ws://127.0.0.1:7070/v1/connect', token });
//   await beacon.connect();
//   beacon.on('presence', p => render(p));
//   await beacon.subscribe(['bob', 'carol']);
import { BeaconError, CORE_DEFAULTS, defaultEnv } from './core.js';
import { Hub } from './hub.js';

export { BeaconError };

/** Settings of a {@link Beacon}, with their defaults. */
export const DEFAULTS = Object.freeze({
  ...CORE_DEFAULTS,
  /** Share one connection between the tabs of a browser profile (SharedWorker); false: one per Beacon. */
  shareTabs: true,
  /** Idle detection: idle after this long without input, or this long after the page is hidden; false: off. */
  idle: Object.freeze({ afterMs: 60_000, hiddenAfterMs: 10_000 }),
  /** A {@link Room#typing} call sends at most one `typing` signal this often (the server forgets one after 6 s). */
  typingIntervalMs: 2_500,
});

/** A tiny event emitter: on() returns the function that removes the listener. */
class Emitter {
  constructor() {
    this.listeners = new Map();
  }

  on(event, listener) {
    if (typeof listener !== 'function') {
      throw new TypeError(`Beacon: on("${event}", listener) needs a function`);
    }
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener);
    return () => this.off(event, listener);
  }

  off(event, listener) {
    this.listeners.get(event)?.delete(listener);
  }

  emit(event, data) {
    for (const l of [...(this.listeners.get(event) || [])]) {
      try {
        l(data);
      } catch (e) {
        setTimeout(() => { throw e; }, 0); // a listener's bug must not stop the others
      }
    }
  }
}

let pageHub = null;
let workerPorts = new Map();

/** The connection to a hub: in a SharedWorker when tabs share, else in this page. */
function openLink(options, onEvent) {
  // without Web Locks (pages that are not a secure context: plain http off localhost) the worker could
  // not tell a crashed tab from a quiet one, and would keep its user online: no sharing there
  const shared = options.shareTabs && typeof SharedWorker === 'function' && options.workerUrl !== null
    && Boolean(globalThis.navigator?.locks);
  if (shared) {
    try {
      return new WorkerLink(options, onEvent);
    } catch {
      // no worker here (a content security policy without worker-src for it, a sandboxed frame): this page's own
    }
  }
  return pageLink(options, onEvent);
}

/** A connection of this page alone (the tabs do not share it). */
function pageLink(options, onEvent) {
  if (!pageHub) {
    pageHub = new Hub(defaultEnv());
  }
  const handle = pageHub.attach(coreOptions(options), (event, data) => queueMicrotask(() => onEvent(event, data)));
  return { call: (m, a) => handle.call(m, a), close: () => handle.detach(), shared: false };
}

function coreOptions(options) {
  const out = {};
  for (const k of Object.keys(CORE_DEFAULTS)) {
    out[k] = options[k];
  }
  out.url = options.url;
  out.token = options.token;
  return out;
}

/**
 * Calls into the SharedWorker that holds the connection of every tab. A worker that cannot start (its
 * script missing or refused, module workers unsupported) is replaced by a connection of this page.
 */
class WorkerLink {
  constructor(options, onEvent) {
    this.shared = true;
    this.nextId = 1;
    this.waiting = new Map();
    this.onEvent = onEvent;
    // written out in full so that bundlers (webpack 5, Vite) see the worker and bundle its imports
    const worker = options.workerUrl
      ? new SharedWorker(options.workerUrl, { type: 'module', name: 'beacon' })
      : new SharedWorker(new URL('./beacon-worker.js', import.meta.url), { type: 'module', name: 'beacon' });
    let failed;
    const workerFailed = new Promise((resolve) => { failed = resolve; });
    worker.onerror = (e) => {
      e?.preventDefault?.();
      if (!this.answered && !this.closed && !this.inner) {
        this._fallBack(options);
        failed();
      }
    };
    this.port = worker.port;
    this.port.onmessage = (e) => this._message(e.data);
    this.port.start();
    // held while this page lives: the worker notices a closed or crashed tab when it can take the lock.
    // The tab must hold it before the worker hears of it: asked for at the same time, the worker may be
    // granted it first (the two requests travel apart) and take a new tab for a closed one.
    this.lock = `beacon-tab-${Math.random().toString(36).slice(2)}-${Date.now()}`;
    // (openLink shares only where the page has Web Locks)
    const held = new Promise((granted) => {
      globalThis.navigator.locks.request(this.lock, () => new Promise((release) => {
        this.releaseLock = release;
        granted(this.lock);
        if (this.closed || this.inner) {
          release(); // closed, or fell back to a connection of this page, while waiting for it
        }
      })).catch(() => granted(null)); // no lock (refused, or an opaque origin): attach without one
    });
    this.attached = Promise.race([workerFailed, held.then((lock) => (this.closed
      ? Promise.reject(new BeaconError('closed', 'closed by the client'))
      : this.inner ? undefined : this._post({ op: 'attach', options: coreOptions(options), lock }).then((v) => {
        this.answered = true;
        return v;
      })))]);
    this.attached.catch(() => {}); // a failed attach is told to each call
    this.onPageHide = (e) => {
      this.close();
      if (e?.persisted) {
        // kept in the back/forward cache: this client's part of the connection is given up (a frozen tab
        // must not keep the user online); the app sees 'closed' and may connect a new Beacon on 'pageshow'
        this.onEvent('closed', { code: 'closed', message: 'the page went into the back/forward cache', closeCode: 1001 });
      }
    };
    globalThis.addEventListener?.('pagehide', this.onPageHide);
  }

  /** The worker did not start: this page gets a connection of its own, and nothing waits for the worker. */
  _fallBack(options) {
    this.inner = pageLink(options, this.onEvent);
    this.shared = false;
    this.waiting.clear();
    try {
      this.port.close();
    } catch {
      // gone already
    }
    if (this.releaseLock) {
      this.releaseLock();
    }
  }

  _post(message) {
    if (this.closed) {
      return Promise.reject(new BeaconError('closed', 'closed by the client'));
    }
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.port.postMessage({ ...message, id });
    });
  }

  _message(m) {
    if (m.op === 'event') {
      this.onEvent(m.event, m.data);
      return;
    }
    const w = this.waiting.get(m.id);
    if (!w) {
      return;
    }
    this.waiting.delete(m.id);
    if (m.op === 'result') {
      w.resolve(m.value);
    } else {
      w.reject(new BeaconError(m.code, m.message));
    }
  }

  call(method, args) {
    return this.attached.then(() => (this.inner ? this.inner.call(method, args) : this._post({ op: 'call', method, args })));
  }

  close() {
    this.closed = true;
    globalThis.removeEventListener?.('pagehide', this.onPageHide);
    if (this.inner) {
      this.inner.close();
      return;
    }
    try {
      this.port.postMessage({ op: 'detach' });
      this.port.close();
    } catch {
      // gone already
    }
    if (this.releaseLock) {
      this.releaseLock();
    }
    for (const w of this.waiting.values()) {
      w.reject(new BeaconError('closed', 'closed by the client'));
    }
    this.waiting.clear();
  }
}

/**
 * The page's timers, clock and event targets for an {@link IdleDetector}. The timers are wrapped: a
 * browser's setTimeout called as a method of another object throws "Illegal invocation".
 */
function pageEnv() {
  return {
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (t) => clearTimeout(t),
    now: () => Date.now(),
    document: globalThis.document,
    window: globalThis,
  };
}

/**
 * Watches input and page visibility: active on input or when the page shows, idle after
 * {@code afterMs} without input, or {@code hiddenAfterMs} after the page is hidden. Reports a change
 * at once, and "still active" at most every {@code refreshMs} while input goes on (cheap: one timestamp
 * per input event, one timer).
 */
export class IdleDetector {
  constructor(options, report, env = pageEnv()) {
    this.afterMs = options.afterMs;
    this.hiddenAfterMs = options.hiddenAfterMs;
    this.refreshMs = options.refreshMs ?? 30_000;
    this.report = report;
    this.env = env;
    this.state = 'active';
    this.timer = null;
    this.due = 0;
    this.lastInput = env.now();
    this.lastReport = env.now();
    this.onInput = () => this._input();
    this.onVisibility = () => this._visibility();
    this.events = ['pointerdown', 'pointermove', 'keydown', 'wheel', 'touchstart', 'focus'];
  }

  start() {
    const { document, window } = this.env;
    for (const e of this.events) {
      window?.addEventListener?.(e, this.onInput, { passive: true, capture: true });
    }
    document?.addEventListener?.('visibilitychange', this.onVisibility);
    this._visibility();
  }

  stop() {
    const { document, window } = this.env;
    for (const e of this.events) {
      window?.removeEventListener?.(e, this.onInput, { capture: true });
    }
    document?.removeEventListener?.('visibilitychange', this.onVisibility);
    if (this.timer != null) {
      this.env.clearTimeout(this.timer);
      this.timer = null;
    }
  }

  _hidden() {
    return this.env.document?.visibilityState === 'hidden';
  }

  /** Makes sure a check runs at {@code at} (or earlier); one timer at a time. */
  _checkAt(at) {
    if (this.timer != null && this.due <= at) {
      return;
    }
    if (this.timer != null) {
      this.env.clearTimeout(this.timer);
    }
    this.due = at;
    this.timer = this.env.setTimeout(() => {
      this.timer = null;
      this._check();
    }, Math.max(0, at - this.env.now()));
  }

  _check() {
    const now = this.env.now();
    const limit = this._hidden() ? this.hiddenSince + this.hiddenAfterMs : this.lastInput + this.afterMs;
    if (now >= limit) {
      this._set('idle');
    } else {
      this._checkAt(limit);
    }
  }

  _set(state) {
    const now = this.env.now();
    if (state !== this.state || (state === 'active' && now - this.lastReport >= this.refreshMs)) {
      this.state = state;
      this.lastReport = now;
      this.report(state);
    }
  }

  _input() {
    if (this._hidden()) {
      return;
    }
    this.lastInput = this.env.now();
    this._set('active');
    if (this.timer == null) {
      this._checkAt(this.lastInput + this.afterMs);
    }
  }

  _visibility() {
    const now = this.env.now();
    if (this._hidden()) {
      this.hiddenSince = now;
      this._checkAt(now + this.hiddenAfterMs);
    } else {
      this.lastInput = now;
      this._set('active');
      this._checkAt(now + this.afterMs);
    }
  }
}

/**
 * A room this client is in: its members (one object per user, with each session's device and meta),
 * count, who is typing; events 'change', 'signal', 'typing', 'closed'.
 */
export class Room extends Emitter {
  constructor(beacon, id, state) {
    super();
    this.beacon = beacon;
    this.id = id;
    this.left = false;
    this._lastTyping = 0;
    this._reset(state);
  }

  /** The members this session is shown, in the order they joined (the first page of a large room). */
  get members() {
    return [...this._members.values()];
  }

  /** Members in the room as this viewer may see them (all of them, also in a large room). */
  get count() {
    return this._count;
  }

  get large() {
    return this._large;
  }

  get version() {
    return this._version;
  }

  /** User ids typing in the room now. */
  get typingUsers() {
    return [...this._typing];
  }

  member(userId) {
    return this._members.get(userId);
  }

  _reset(s) {
    this._members = new Map(s.members.map((m) => [m.user_id, m]));
    this._count = s.count;
    this._large = !!s.large;
    this._version = s.version;
    const before = this._typing ? [...this._typing].join() : '';
    this._typing = new Set(s.typing || []);
    this.emit('change', { room: this.id, snapshot: true, joins: s.members, leaves: [], updates: [] });
    if ([...this._typing].join() !== before) {
      this.emit('typing', this.typingUsers);
    }
  }

  _diff(d) {
    for (const m of d.joins) {
      this._members.set(m.user_id, m);
    }
    for (const m of d.updates) {
      this._members.set(m.user_id, m);
    }
    let typingChanged = false;
    for (const id of d.leaves) {
      this._members.delete(id);
      typingChanged = this._typing.delete(id) || typingChanged;
    }
    this._count = d.count;
    this._large = !!d.large;
    this._version = d.version;
    this.emit('change', { room: this.id, snapshot: false, joins: d.joins, leaves: d.leaves, updates: d.updates });
    if (typingChanged) {
      this.emit('typing', this.typingUsers);
    }
  }

  _signal(s) {
    if (s.kind === 'typing') {
      const on = !(s.data && s.data.typing === false);
      const had = this._typing.has(s.user_id);
      if (on && !had) {
        this._typing.add(s.user_id);
        this.emit('typing', this.typingUsers);
      } else if (!on && had) {
        this._typing.delete(s.user_id);
        this.emit('typing', this.typingUsers);
      }
    }
    this.emit('signal', s);
  }

  /** Replaces this session's meta in the room (cursor, mode…); sent at once, coalesced by the server (latest wins). */
  setMeta(meta) {
    return this._live().then(() => this.beacon._call('setMeta', [this.id, meta]));
  }

  /** An ephemeral message to the others in the room: 'typing', 'read' ({marker}), or your own kind. */
  signal(kind, data) {
    return this._live().then(() => this.beacon._call('signal', [this.id, kind, data]));
  }

  /** Call on every keystroke: sends 'typing' at most every typingIntervalMs. */
  typing() {
    const now = Date.now();
    if (now - this._lastTyping < this.beacon.options.typingIntervalMs) {
      return Promise.resolve();
    }
    this._lastTyping = now;
    return this.signal('typing').catch((e) => {
      this._lastTyping = 0;
      throw e;
    });
  }

  /** Says the user stopped typing (sent a message, cleared the box). */
  stopTyping() {
    if (this._lastTyping === 0) {
      return Promise.resolve();
    }
    this._lastTyping = 0;
    return this.signal('typing', { typing: false });
  }

  /** Leaves the room (the session leaves when no other tab of it is in the room). */
  leave() {
    if (this.left) {
      return Promise.resolve();
    }
    this.left = true;
    this.beacon.rooms.delete(this.id);
    return this.beacon._call('leave', [this.id]);
  }

  _live() {
    return this.left ? Promise.reject(new BeaconError('not_found', `left room "${this.id}"`)) : Promise.resolve();
  }
}

/**
 * A connection to a Beacon server for one user: presence of the users it subscribes to, its own
 * status, rooms. Events: 'presence', 'state', 'welcome', 'error', 'closed', 'token_needed'.
 */
export class Beacon extends Emitter {
  constructor(options) {
    super();
    if (!options || typeof options !== 'object') {
      throw new TypeError('Beacon: new Beacon({url, token}) needs options');
    }
    this.options = { ...DEFAULTS, ...options, idle: options.idle === false ? false : { ...DEFAULTS.idle, ...(options.idle || {}) } };
    if (typeof this.options.url !== 'string' || !/^wss?:\/\//.test(this.options.url)) {
      throw new TypeError('Beacon: options.url must be the ws:// or wss:// URL of the server\'s /v1/connect');
    }
    this._tokenSource = typeof options.token === 'function' ? options.token : null;
    this.options.token = typeof options.token === 'string' ? options.token : '';
    /** The newest presence of every user this client subscribed to (or queried). */
    this.presence = new Map();
    /** Rooms this client is in, by id. */
    this.rooms = new Map();
    this.state = 'idle';
    this.sessionId = null;
    this.userId = null;
    this.link = null;
    this.idle = null;
  }

  /** Connects (hello/welcome); resolves with {sessionId, userId, heartbeatIntervalMs, sessionTtlMs, transport}. */
  async connect() {
    if (this.link) {
      return this._call('connect', []);
    }
    if (!this.options.token) {
      if (!this._tokenSource) {
        throw new TypeError('Beacon: options.token must be a JWT string, or a function that returns one');
      }
      this.options.token = await this._tokenSource();
    }
    this.link = openLink(this.options, (event, data) => this._event(event, data));
    const welcome = await this._call('connect', []);
    // a tab that joins a shared connection learns what is known already — also its state, for which
    // no event comes when the connection was open before this tab attached
    const snap = await this._call('snapshot', []);
    for (const p of snap.presence) {
      this.presence.set(p.user_id, p);
    }
    this._welcome(welcome);
    if (snap.state && snap.state !== this.state && this.state !== 'closed') {
      this.state = snap.state;
      this.emit('state', snap.state);
    }
    if (this.options.idle && !this.idle && globalThis.document) {
      this.idle = new IdleDetector(this.options.idle, (state) => this._call('activity', [state]).catch(() => {}));
      this.idle.start();
    }
    return welcome;
  }

  _welcome(info) {
    this.sessionId = info.sessionId;
    this.userId = info.userId;
  }

  _call(method, args) {
    if (!this.link) {
      return Promise.reject(new BeaconError('closed', 'not connected: call connect() first'));
    }
    return this.link.call(method, args);
  }

  _event(event, data) {
    switch (event) {
      case 'state':
        this.state = data;
        break;
      case 'welcome':
        this._welcome(data);
        break;
      case 'presence': {
        const known = this.presence.get(data.user_id);
        if (known && !(data.version > known.version)) {
          return;
        }
        this.presence.set(data.user_id, data);
        break;
      }
      case 'room': {
        const r = this.rooms.get(data.room);
        if (r) {
          r._reset(data);
        }
        return;
      }
      case 'room_diff':
        this.rooms.get(data.room)?._diff(data);
        return;
      case 'signal':
        this.rooms.get(data.room)?._signal(data);
        return;
      case 'room_closed': {
        const r = this.rooms.get(data.room);
        if (r) {
          r.left = true;
          this.rooms.delete(data.room);
          r.emit('closed', data);
        }
        return;
      }
      case 'token_needed':
        if (this._tokenSource) {
          // a failure anywhere (getting the token, or handing it over) is an 'error' event, never an
          // unhandled rejection; nothing is said once the client is closed
          Promise.resolve().then(() => this._tokenSource()).then((t) => this.setToken(t)).catch((e) => {
            if (this.link) {
              this.emit('error', { code: e?.code || 'unauthorized', message: e?.message || String(e) });
            }
          });
        }
        break;
      case 'closed':
        this.state = 'closed';
        this._stopIdle();
        break;
      default:
        break;
    }
    this.emit(event, data);
  }

  /** Subscribes to users' presence; resolves with their presence now. Updates arrive as 'presence' events. */
  async subscribe(userIds) {
    const list = await this._call('subscribe', [userIds]);
    return this._known(list);
  }

  unsubscribe(userIds) {
    for (const id of userIds) {
      this.presence.delete(id);
    }
    return this._call('unsubscribe', [userIds]);
  }

  /** Reads users' presence once, without subscribing. */
  async query(userIds) {
    return this._known(await this._call('query', [userIds]));
  }

  _known(list) {
    return list.map((p) => {
      const known = this.presence.get(p.user_id);
      if (!known || p.version > known.version) {
        this.presence.set(p.user_id, p);
        return p;
      }
      return known;
    });
  }

  /** 'auto' (from activity), 'busy', 'away' or 'invisible' (shown offline to everyone else). Durable. */
  setStatus(status) {
    return this._call('command', [{ type: 'set_status', status }]);
  }

  /** A short activity label of this session ('in a meeting'), or null; optional expiry (Date or epoch ms). */
  setActivity(activity, { expiresAt } = {}) {
    const m = { type: 'set_activity', activity };
    if (expiresAt != null) {
      m.expires_at = +expiresAt;
    }
    return this._call('command', [m]);
  }

  /** A custom status ({text, emoji?, expiresAt?}), durable until cleared or expired. */
  setCustomStatus({ text, emoji, expiresAt } = {}) {
    const m = { type: 'set_custom_status', text };
    if (emoji != null) {
      m.emoji = emoji;
    }
    if (expiresAt != null) {
      m.expires_at = +expiresAt;
    }
    return this._call('command', [m]);
  }

  clearCustomStatus() {
    return this._call('command', [{ type: 'clear_custom_status' }]);
  }

  /** Joins a room (with this session's meta); resolves with the {@link Room}. */
  async join(room, meta) {
    const existing = this.rooms.get(room);
    const state = await this._call('join', [room, meta]);
    if (existing && !existing.left) {
      existing._reset(state);
      return existing;
    }
    const r = new Room(this, room, state);
    this.rooms.set(room, r);
    return r;
  }

  /** A room this client is in. */
  room(id) {
    return this.rooms.get(id);
  }

  /** A newer token (before the current one expires): used from the next (re)connect on. */
  setToken(token) {
    this.options.token = token;
    return this._call('setToken', [token]);
  }

  _stopIdle() {
    if (this.idle) {
      this.idle.stop();
      this.idle = null;
    }
  }

  /** Closes this client; with shared tabs, the connection closes when the last tab's client does. */
  close() {
    this._stopIdle();
    if (this.link) {
      this.link.close();
      this.link = null;
    }
    this.state = 'closed';
    for (const r of this.rooms.values()) {
      r.left = true;
    }
    this.rooms.clear();
  }
}
