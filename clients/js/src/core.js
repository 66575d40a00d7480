// One session with a Beacon server, shared by every client attached to it: the tabs of a browser
// profile (through a SharedWorker), or a single Beacon instance. It connects, says hello, keeps the
// session alive, reconnects with jittered backoff and resume, and holds what the clients asked for —
// subscriptions and rooms, counted per client — so that it can ask again after a new session.
import { PLAIN_HEARTBEAT, SseTransport, WebSocketTransport } from './transport.js';

/** A failure with the protocol's code: bad_request, unauthorized, token_expired, forbidden, not_found, rate_limited, too_large, unsupported, internal; or the SDK's own: timeout, closed, disconnected. */
export class BeaconError extends Error {
  constructor(code, message) {
    super(message || code);
    this.name = 'BeaconError';
    this.code = code;
  }
}

/** Settings of a core, with their defaults. */
export const CORE_DEFAULTS = Object.freeze({
  device: 'web',
  transport: 'auto', // 'auto' | 'websocket' | 'sse'
  backoffMinMs: 500,
  backoffMaxMs: 15_000,
  connectTimeoutMs: 10_000,
  requestTimeoutMs: 20_000,
  /** WebSocket attempts that fail to open before 'auto' falls back to SSE. */
  sseAfterFailures: 2,
  /** While a client reports input, 'active' is sent again this often (the server turns a silent session idle). */
  activityRefreshMs: 60_000,
});

/** Close codes after which the core does not come back by itself (protocol §10). */
const FINAL = new Map([
  [4003, 'the session was resumed on another connection'],
  [4005, 'disconnected by the server'],
]);

/** The platform the core runs on; tests replace any part. */
export function defaultEnv() {
  return {
    WebSocket: globalThis.WebSocket,
    EventSource: globalThis.EventSource,
    fetch: globalThis.fetch ? globalThis.fetch.bind(globalThis) : undefined,
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (t) => clearTimeout(t),
    now: () => Date.now(),
    random: () => Math.random(),
  };
}

/**
 * The delay before reconnect attempt {@code attempt} (0-based): exponential from the minimum, capped,
 * with "equal jitter" (half fixed, half random) so that a server restart is not met by every client at
 * the same instant.
 */
export function backoffDelay(attempt, minMs, maxMs, random) {
  const ceiling = Math.min(maxMs, minMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + random() * ceiling / 2);
}

export class Core {
  /**
   * @param options {url, token, device, transport, backoffMinMs, …}
   * @param env the platform ({@link defaultEnv})
   */
  constructor(options, env = defaultEnv()) {
    if (!options || typeof options.url !== 'string') {
      throw new TypeError('Beacon: options.url must be the ws:// or wss:// URL of /v1/connect');
    }
    if (typeof options.token !== 'string' || options.token.length === 0) {
      throw new TypeError('Beacon: options.token must be a JWT string');
    }
    this.options = { ...CORE_DEFAULTS, ...options };
    this.env = env;
    this.token = options.token;
    this.state = 'idle'; // idle → connecting → open ⇄ reconnecting → closed
    this.transport = null;
    this.useSse = this.options.transport === 'sse' || (this.options.transport === 'auto' && !env.WebSocket);
    this.wsFailures = 0;
    this.attempt = 0;
    this.sessionId = null;
    this.userId = null;
    this.resumeToken = null;
    this.heartbeatMs = 15_000;
    this.ttlMs = 40_000;
    this.lastSent = 0;
    this.lastReceived = 0;
    this.timers = { connect: null, reconnect: null, heartbeat: null };
    this.nextId = 1;
    /** Requests waiting for their answer: id → {message, resolve, reject, timer, sent}. */
    this.pending = new Map();
    /** Clients: id → {emit(event, data)}. */
    this.clients = new Map();
    /** Subscriptions: user id → ids of the clients that asked for them. */
    this.subs = new Map();
    /** Rooms: id → {clients, meta, joined, joining, version, count, large, members: Map, typing: Set}. */
    this.rooms = new Map();
    /** The newest presence seen per user. */
    this.presence = new Map();
    this.activeClients = new Set();
    this.sentActivity = 'active';
    this.lastActiveSent = 0;
    this.activityLabel = undefined;
    this.connectWaiters = [];
    this.tokenWaiters = [];
  }

  // ------------------------------------------------------------------ clients

  /** Attaches a client; {@code emit(event, data)} receives what concerns it. */
  attach(clientId, emit) {
    this.clients.set(clientId, { emit });
    this.activeClients.add(clientId);
    this._reportActivity(); // a new tab is someone at the keyboard: an idle session is active again
  }

  /**
   * A client went away (a tab closed): what only it asked for is given up. When it was the last one
   * nothing is given up one by one — no leave, no unsubscribe, no idle: the connection closes (the
   * hub's part), and the session lingers on the server for its grace, so that a reload or a quickly
   * reopened tab makes no flap for the others.
   */
  detach(clientId) {
    if (!this.clients.delete(clientId)) {
      return;
    }
    this.activeClients.delete(clientId);
    if (this.clients.size === 0) {
      return;
    }
    const gone = [];
    for (const [userId, owners] of this.subs) {
      if (owners.delete(clientId) && owners.size === 0) {
        gone.push(userId);
      }
    }
    if (gone.length > 0) {
      this.unsubscribe(null, gone).catch(() => {});
    }
    for (const [room, r] of this.rooms) {
      if (r.clients.has(clientId)) {
        this.leave(clientId, room).catch(() => {});
      }
    }
    this._reportActivity();
  }

  _emit(clientId, event, data) {
    const c = this.clients.get(clientId);
    if (c) {
      c.emit(event, data);
    }
  }

  _broadcast(event, data, clientIds = this.clients.keys()) {
    for (const id of clientIds) {
      this._emit(id, event, data);
    }
  }

  // ------------------------------------------------------------------ connection

  /** Connects (once); resolves with the welcome, rejects when the server refuses the token for good. */
  connect() {
    if (this.state === 'open') {
      return Promise.resolve(this._welcomeInfo());
    }
    if (this.state === 'closed') {
      return Promise.reject(new BeaconError('closed', 'this connection was closed; make a new one'));
    }
    const waiting = new Promise((resolve, reject) => this.connectWaiters.push({ resolve, reject }));
    if (this.state === 'idle') {
      this._open();
    }
    return waiting;
  }

  /** A newer token (the old one expired, or is about to): used from the next hello on. */
  setToken(token) {
    if (typeof token === 'string' && token.length > 0) {
      this.token = token;
      const waiters = this.tokenWaiters;
      this.tokenWaiters = [];
      waiters.forEach((w) => w());
    }
  }

  _welcomeInfo() {
    return { sessionId: this.sessionId, userId: this.userId, heartbeatIntervalMs: this.heartbeatMs, sessionTtlMs: this.ttlMs, transport: this.transport?.kind };
  }

  _setState(state) {
    if (this.state !== state) {
      this.state = state;
      this._broadcast('state', state);
    }
  }

  _open() {
    this._setState(this.sessionId ? 'reconnecting' : 'connecting');
    const hello = { type: 'hello', token: this.token, device: this.options.device, protocol: 1 };
    if (this.resumeToken) {
      hello.resume = this.resumeToken;
    }
    const handlers = {
      onOpen: () => {},
      onMessage: (m) => this._received(m),
      onClose: (code, reason, opened) => this._closed(transport, code, reason, opened),
    };
    const Kind = this.useSse ? SseTransport : WebSocketTransport;
    let transport;
    try {
      transport = new Kind(this.env, this.options.url, hello, handlers);
    } catch (e) {
      this.transport = null;
      this.env.setTimeout(() => this._closed(null, 4000, String(e), false), 0);
      return;
    }
    this.transport = transport;
    this.timers.connect = this.env.setTimeout(() => {
      if (this.transport === transport && this.state !== 'open') {
        transport.close(4000, 'no welcome in time');
      }
    }, this.options.connectTimeoutMs);
  }

  _closed(transport, code, reason, opened) {
    if (transport && transport !== this.transport) {
      return; // an older link
    }
    this.transport = null;
    this._clearTimer('connect');
    this._clearTimer('heartbeat');
    if (this.state === 'closed') {
      return;
    }
    if (!this.useSse && !opened && this.options.transport === 'auto' && ++this.wsFailures >= this.options.sseAfterFailures && this.env.EventSource) {
      this.useSse = true; // the WebSocket cannot get through (a proxy, a firewall): the stream may
    }
    if (FINAL.has(code)) {
      this._fail(new BeaconError(code === 4005 ? 'disconnected' : 'closed', FINAL.get(code)), code);
      return;
    }
    if (code === 4001 || code === 4002) {
      // a refused or expired token: come back with a new one, inside the grace, so nobody sees a leave
      const error = new BeaconError(code === 4002 ? 'token_expired' : 'unauthorized', reason || 'the token was refused');
      this._broadcast('token_needed', error.code);
      this._setState('reconnecting');
      const refused = this.token;
      const retry = () => {
        if (this.state !== 'closed' && this.token !== refused) {
          this._scheduleReconnect(0);
        }
      };
      this.tokenWaiters.push(retry);
      this.env.setTimeout(() => {
        // nobody gave a new token: give up, and say why
        if (this.token === refused && this.state !== 'closed') {
          this.tokenWaiters = this.tokenWaiters.filter((w) => w !== retry);
          this._fail(error, code);
        }
      }, this.options.connectTimeoutMs);
      return;
    }
    this._setState('reconnecting');
    this._scheduleReconnect(backoffDelay(this.attempt++, this.options.backoffMinMs, this.options.backoffMaxMs, this.env.random));
  }

  _scheduleReconnect(delay) {
    this._clearTimer('reconnect');
    this.timers.reconnect = this.env.setTimeout(() => {
      this.timers.reconnect = null;
      if (this.state !== 'closed' && !this.transport) {
        this._open();
      }
    }, delay);
  }

  /** Gives up for good: every waiting request and connect fails with {@code error}. */
  _fail(error, code) {
    this._setState('closed');
    for (const w of this.connectWaiters.splice(0)) {
      w.reject(error);
    }
    for (const [id, p] of this.pending) {
      this.env.clearTimeout(p.timer);
      p.reject(error);
      this.pending.delete(id);
    }
    this._broadcast('closed', { code: error.code, message: error.message, closeCode: code });
  }

  /** Closes for good (the session lingers on the server for its offline grace, then ends). */
  close() {
    if (this.state === 'closed') {
      return;
    }
    const t = this.transport;
    this._clearTimer('reconnect');
    this._fail(new BeaconError('closed', 'closed by the client'), 1000);
    this.transport = null;
    if (t) {
      t.close(1000, 'bye');
    }
  }

  _clearTimer(name) {
    if (this.timers[name] != null) {
      this.env.clearTimeout(this.timers[name]);
      this.timers[name] = null;
    }
  }

  _send(message) {
    if (this.state !== 'open' || !this.transport) {
      return false;
    }
    if (this.transport.send(message)) {
      this.lastSent = this.env.now();
      return true;
    }
    return false;
  }

  /** Every half interval: a heartbeat if nothing else went out; a probe (answered) if nothing came in. */
  _armHeartbeat() {
    this._clearTimer('heartbeat');
    const every = Math.max(250, Math.floor(this.heartbeatMs / 2));
    this.timers.heartbeat = this.env.setTimeout(() => {
      this.timers.heartbeat = null;
      if (this.state !== 'open' || !this.transport) {
        return;
      }
      const now = this.env.now();
      if (now - this.lastReceived > this.ttlMs + this.heartbeatMs) {
        this.transport.close(4000, 'the server went silent'); // a half-open link: reconnect
        return;
      }
      // while some client is active, 'active' goes out again every activityRefreshMs: otherwise the
      // server, which hears of input only through activity, turns the session idle after idle_after
      this._reportActivity();
      if (now - this.lastReceived >= this.heartbeatMs) {
        this._send({ type: 'heartbeat', id: `hb${this.nextId++}` }); // answered: proves the link works
      } else if (now - this.lastSent + every > this.heartbeatMs) {
        this._send(PLAIN_HEARTBEAT); // the next look would come too late: never more than an interval apart
      }
      this._armHeartbeat();
    }, every);
  }

  // ------------------------------------------------------------------ incoming

  _received(m) {
    this.lastReceived = this.env.now();
    if (m.type === 'batch' && Array.isArray(m.messages)) {
      m.messages.forEach((x) => this._received(x));
      return;
    }
    switch (m.type) {
      case 'welcome': this._welcomed(m); break;
      case 'presence': this._accept(m, null); break;
      case 'presence_snapshot': this._snapshot(m); break;
      case 'room_snapshot': this._roomSnapshot(m); break;
      case 'room_diff': this._roomDiff(m); break;
      case 'signal': this._signal(m); break;
      case 'ack': this._answer(m.id, (p) => p.resolve(undefined)); break;
      case 'error':
        if (m.id != null && this.pending.has(String(m.id))) {
          this._answer(m.id, (p) => p.reject(new BeaconError(m.code, m.message)));
        } else {
          this._broadcast('error', { code: m.code, message: m.message });
        }
        break;
      default: break; // a newer server's message: ignored
    }
  }

  _answer(id, settle) {
    if (id == null) {
      return;
    }
    const p = this.pending.get(String(id));
    if (!p) {
      return;
    }
    this.pending.delete(String(id));
    this.env.clearTimeout(p.timer);
    settle(p);
  }

  _welcomed(m) {
    const resumed = this.sessionId !== null && m.session_id === this.sessionId;
    this._clearTimer('connect');
    this.sessionId = m.session_id;
    this.userId = m.user_id;
    this.resumeToken = m.resume_token;
    this.heartbeatMs = m.heartbeat_interval_ms || this.heartbeatMs;
    this.ttlMs = m.session_ttl_ms || this.ttlMs;
    this.attempt = 0;
    this.wsFailures = 0;
    this.lastSent = this.env.now();
    this.lastActiveSent = this.lastSent; // a session starts active
    this._setState('open');
    this._armHeartbeat();
    const earlier = [...this.pending.values()];
    if (!resumed) {
      // a new session: it has none of what the clients asked for (a resumed one keeps it all and
      // sends fresh snapshots itself)
      this._restore();
    }
    // requests made while away, and those whose answer was lost with the old link
    for (const p of earlier) {
      p.sent = this._send(p.message);
    }
    const info = this._welcomeInfo();
    for (const w of this.connectWaiters.splice(0)) {
      w.resolve(info);
    }
    this._broadcast('welcome', { ...info, resumed });
  }

  _restore() {
    const ids = [...this.subs.keys()];
    for (let i = 0; i < ids.length; i += 1000) {
      this._request({ type: 'subscribe', user_ids: ids.slice(i, i + 1000) }).catch((e) => this._broadcast('error', { code: e.code, message: e.message }));
    }
    for (const [room, r] of this.rooms) {
      if (r.joined) {
        this._rejoin(room, r.meta);
      }
    }
    if (this.activityLabel !== undefined) {
      const m = { type: 'set_activity', activity: this.activityLabel?.activity ?? null };
      if (this.activityLabel?.expiresAt) {
        m.expires_at = this.activityLabel.expiresAt;
      }
      this._request(m).catch(() => {});
    }
    if (this.sentActivity === 'idle') {
      this._send({ type: 'activity', state: 'idle' });
    }
  }

  /** Keeps the newest presence of each user; tells the clients that subscribed to the user. */
  _accept(p, requester) {
    if (!p || typeof p.user_id !== 'string') {
      return false;
    }
    const known = this.presence.get(p.user_id);
    const presence = stripType(p);
    if (known && !(presence.version > known.version)) {
      return false; // old news (or a repeat)
    }
    this.presence.set(p.user_id, presence);
    const owners = this.subs.get(p.user_id);
    const to = new Set(owners || []);
    if (requester != null) {
      to.add(requester);
    }
    this._broadcast('presence', presence, to);
    return true;
  }

  _snapshot(m) {
    const list = Array.isArray(m.presences) ? m.presences : [];
    const p = m.id != null ? this.pending.get(String(m.id)) : null;
    const requester = p ? p.client : null;
    for (const x of list) {
      this._accept(x, requester);
    }
    // the answer carries what is known now, even where an update beat the snapshot
    this._answer(m.id, (q) => q.resolve(list.map((x) => this.presence.get(x.user_id) || stripType(x))));
  }

  // ------------------------------------------------------------------ requests

  /** Sends a message with an id; resolves with its answer (or the snapshot it asked for). */
  _request(message, client = null) {
    if (this.state === 'closed') {
      return Promise.reject(new BeaconError('closed', 'this connection was closed; make a new one'));
    }
    const id = `c${this.nextId++}`;
    const full = { ...message, id };
    return new Promise((resolve, reject) => {
      const timer = this.env.setTimeout(() => {
        if (this.pending.delete(id)) {
          reject(new BeaconError('timeout', `no answer to ${message.type} in ${this.options.requestTimeoutMs} ms`));
        }
      }, this.options.requestTimeoutMs);
      const entry = { message: full, resolve, reject, timer, client, sent: false };
      this.pending.set(id, entry);
      entry.sent = this._send(full); // else sent on the next welcome
    });
  }

  /** Subscribes {@code clientId} to users; resolves with their presence. */
  subscribe(clientId, userIds) {
    const ids = checkIds(userIds, 'subscribe');
    for (const id of ids) {
      let owners = this.subs.get(id);
      if (!owners) {
        owners = new Set();
        this.subs.set(id, owners);
      }
      if (clientId != null) {
        owners.add(clientId);
      }
    }
    if (ids.length === 0) {
      return Promise.resolve([]);
    }
    return this._request({ type: 'subscribe', user_ids: ids }, clientId);
  }

  /** Gives up {@code clientId}'s interest; users nobody else watches are unsubscribed at the server. */
  unsubscribe(clientId, userIds) {
    const ids = checkIds(userIds, 'unsubscribe');
    const gone = [];
    for (const id of ids) {
      const owners = this.subs.get(id);
      if (!owners) {
        continue;
      }
      if (clientId != null) {
        owners.delete(clientId);
      }
      if (clientId == null || owners.size === 0) {
        this.subs.delete(id);
        this.presence.delete(id);
        gone.push(id);
      }
    }
    if (gone.length === 0) {
      return Promise.resolve();
    }
    return this._request({ type: 'unsubscribe', user_ids: gone });
  }

  /** One read of users' presence, without subscribing. */
  query(clientId, userIds) {
    const ids = checkIds(userIds, 'query');
    return ids.length === 0 ? Promise.resolve([]) : this._request({ type: 'query', user_ids: ids }, clientId);
  }

  /** Any other client message: set_status, set_activity, set_custom_status, clear_custom_status. */
  command(clientId, message) {
    if (message.type === 'set_activity') {
      this.activityLabel = message.activity == null ? undefined : { activity: message.activity, expiresAt: message.expires_at };
    }
    this.lastActiveSent = this.env.now(); // these count as activity at the server
    return this._request(message, clientId);
  }

  // ------------------------------------------------------------------ activity

  /** A client's idle detection: the session is active while any client is. */
  activity(clientId, state) {
    if (state === 'active') {
      this.activeClients.add(clientId);
    } else {
      this.activeClients.delete(clientId);
    }
    this._reportActivity();
  }

  _reportActivity() {
    const state = this.activeClients.size > 0 ? 'active' : 'idle';
    const now = this.env.now();
    const refresh = state === 'active' && now - this.lastActiveSent >= this.options.activityRefreshMs;
    if (state !== this.sentActivity || refresh) {
      this.sentActivity = state;
      this.lastActiveSent = now;
      this._send({ type: 'activity', state });
    }
  }

  // ------------------------------------------------------------------ rooms

  /** Joins a room for {@code clientId}; resolves with the room's state. One join per session, however many clients. */
  join(clientId, room, meta) {
    checkRoom(room);
    let r = this.rooms.get(room);
    if (r) {
      r.clients.add(clientId);
      if (meta !== undefined) {
        r.meta = meta;
        if (r.joined) {
          this._request({ type: 'room_meta', room, meta }).catch(() => {});
        }
      }
      return r.joined ? Promise.resolve(roomState(room, r)) : r.joining.then(() => roomState(room, r));
    }
    r = { clients: new Set([clientId]), meta, joined: false, joining: null, version: 0, count: 0, large: false, members: new Map(), typing: new Set() };
    this.rooms.set(room, r);
    const message = { type: 'join', room };
    if (meta !== undefined) {
      message.meta = meta;
    }
    r.joining = this._request(message).then(() => roomState(room, r), (e) => {
      if (this.rooms.get(room) === r) {
        this.rooms.delete(room);
      }
      throw e;
    });
    return r.joining;
  }

  _rejoin(room, meta) {
    const message = { type: 'join', room };
    if (meta !== undefined) {
      message.meta = meta;
    }
    this._request(message).catch((e) => {
      const r = this.rooms.get(room);
      if (r && (e.code === 'forbidden' || e.code === 'too_large' || e.code === 'not_found')) {
        this.rooms.delete(room);
        this._broadcast('room_closed', { room, code: e.code, message: e.message }, r.clients);
      }
    });
  }

  /** {@code clientId} leaves; the session leaves when no client is left in the room. */
  leave(clientId, room) {
    const r = this.rooms.get(room);
    if (!r || !r.clients.delete(clientId)) {
      return Promise.resolve();
    }
    if (r.clients.size > 0) {
      return Promise.resolve();
    }
    this.rooms.delete(room);
    const wasJoined = r.joined || r.joining;
    if (!wasJoined) {
      return Promise.resolve();
    }
    return this._request({ type: 'leave', room }).catch((e) => {
      if (e.code !== 'not_found') { // already out (an answer lost with a link)
        throw e;
      }
    });
  }

  /** Replaces this session's meta in the room (coalesced at the server: latest wins). */
  setMeta(room, meta) {
    const r = this.rooms.get(room);
    if (!r) {
      return Promise.reject(new BeaconError('not_found', `not in room "${room}"`));
    }
    r.meta = meta;
    return r.joined ? this._request({ type: 'room_meta', room, meta }) : r.joining.then(() => this._request({ type: 'room_meta', room, meta }));
  }

  signal(room, kind, data) {
    const r = this.rooms.get(room);
    if (!r) {
      return Promise.reject(new BeaconError('not_found', `not in room "${room}"`));
    }
    const message = { type: 'signal', room, kind };
    if (data !== undefined) {
      message.data = data;
    }
    return this._request(message);
  }

  _roomSnapshot(m) {
    const r = this.rooms.get(m.room);
    if (!r) {
      this._answer(m.id, (p) => p.resolve(undefined)); // left meanwhile: the join is over all the same
      return;
    }
    r.joined = true;
    r.version = m.version;
    r.count = m.count;
    r.large = !!m.large;
    r.members = new Map((m.members || []).map((x) => [x.user_id, x]));
    r.typing = new Set(m.typing || []);
    this._answer(m.id, (p) => p.resolve(undefined));
    this._broadcast('room', roomState(m.room, r), r.clients);
  }

  _roomDiff(d) {
    const r = this.rooms.get(d.room);
    if (!r || !r.joined) {
      return;
    }
    if (d.version <= r.version) {
      return; // old
    }
    if (d.since !== undefined && d.since !== r.version) {
      this._rejoin(d.room, undefined); // a diff was lost: a fresh snapshot
      return;
    }
    for (const x of d.joins || []) {
      r.members.set(x.user_id, x);
    }
    for (const x of d.updates || []) {
      r.members.set(x.user_id, x);
    }
    for (const id of d.leaves || []) {
      r.members.delete(id);
      r.typing.delete(id);
    }
    r.version = d.version;
    if (d.count !== undefined) {
      r.count = d.count;
    }
    r.large = !!d.large;
    this._broadcast('room_diff', { room: d.room, joins: d.joins || [], leaves: d.leaves || [], updates: d.updates || [], count: r.count, version: r.version, large: r.large }, r.clients);
  }

  _signal(s) {
    const r = this.rooms.get(s.room);
    if (!r) {
      return;
    }
    if (s.kind === 'typing') {
      const on = !(s.data && s.data.typing === false);
      if (on) {
        r.typing.add(s.user_id);
      } else {
        r.typing.delete(s.user_id);
      }
    }
    this._broadcast('signal', stripType(s), r.clients);
  }
}

function stripType(m) {
  const { type, id, ...rest } = m;
  return rest;
}

function roomState(room, r) {
  return { room, version: r.version, count: r.count, large: r.large, members: [...r.members.values()], typing: [...r.typing] };
}

function checkIds(userIds, what) {
  if (!Array.isArray(userIds)) {
    throw new TypeError(`Beacon: ${what} takes an array of user ids`);
  }
  const out = [];
  const seen = new Set();
  for (const id of userIds) {
    if (typeof id !== 'string' || id.length === 0) {
      throw new TypeError(`Beacon: ${what}: every user id must be a non-empty string, got ${JSON.stringify(id)}`);
    }
    if (!seen.has(id)) {
      seen.add(id);
      out.push(id);
    }
  }
  return out;
}

function checkRoom(room) {
  if (typeof room !== 'string' || room.length === 0 || room.length > 256) {
    throw new TypeError(`Beacon: a room id is a string of 1 to 256 characters, got ${JSON.stringify(room)}`);
  }
}
