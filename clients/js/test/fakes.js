// A fake platform for the core: a manual clock with timers, a WebSocket and an EventSource the test
// plays the server for, and a fetch that records commands.

export class FakeClock {
  constructor(start = 1_800_000_000_000) {
    this.time = start;
    this.timers = new Map();
    this.nextId = 1;
  }

  now() {
    return this.time;
  }

  setTimeout(fn, ms) {
    const id = this.nextId++;
    this.timers.set(id, { at: this.time + Math.max(0, ms), fn });
    return id;
  }

  clearTimeout(id) {
    this.timers.delete(id);
  }

  /** Moves time forward, firing every timer that comes due, in order. */
  advance(ms) {
    const end = this.time + ms;
    for (;;) {
      let next = null;
      for (const [id, t] of this.timers) {
        if (t.at <= end && (next === null || t.at < next[1].at || (t.at === next[1].at && id < next[0]))) {
          next = [id, t];
        }
      }
      if (!next) {
        break;
      }
      this.timers.delete(next[0]);
      this.time = Math.max(this.time, next[1].at);
      next[1].fn();
    }
    this.time = end;
  }

  /** The delay of the earliest pending timer, or null. */
  nextDelay() {
    let min = null;
    for (const t of this.timers.values()) {
      min = min === null ? t.at : Math.min(min, t.at);
    }
    return min === null ? null : min - this.time;
  }
}

/** The sockets the core opened, newest last; the test opens, answers and closes them. */
export class FakeServer {
  constructor() {
    this.sockets = [];
    const server = this;
    this.WebSocket = class {
      constructor(url) {
        this.url = url;
        this.readyState = 0;
        this.sent = [];
        server.sockets.push(this);
      }

      send(data) {
        this.sent.push(data);
      }

      close(code = 1000, reason = '') {
        if (this.readyState === 3) {
          return;
        }
        this.readyState = 3;
        this.onclose?.({ code, reason });
      }

      // ---- the test's side
      open() {
        this.readyState = 1;
        this.onopen?.();
      }

      /** The server sends a message (an object, or raw text). */
      push(message) {
        this.onmessage?.({ data: typeof message === 'string' ? message : JSON.stringify(message) });
      }

      /** The server (or the network) closes the connection. */
      drop(code = 1006, reason = '') {
        this.readyState = 3;
        this.onclose?.({ code, reason });
      }

      /** Fails before opening (refused, unreachable). */
      fail() {
        this.readyState = 3;
        this.onerror?.({});
        this.onclose?.({ code: 1006, reason: '' });
      }

      /** Sent messages, parsed (the plain heartbeat too). */
      messages() {
        return this.sent.map((d) => JSON.parse(d));
      }

      last(type) {
        return this.messages().filter((m) => m.type === type).pop();
      }
    };
  }

  get socket() {
    return this.sockets[this.sockets.length - 1];
  }

  /** Opens the newest socket and answers its hello with a welcome. */
  welcome(fields = {}) {
    const ws = this.socket;
    if (ws.readyState === 0) {
      ws.open();
    }
    const w = {
      type: 'welcome', session_id: 'S1', user_id: 'alice', heartbeat_interval_ms: 15_000, session_ttl_ms: 40_000,
      resume_token: `R${this.sockets.length}`, server_time: 0, ...fields,
    };
    ws.push(w);
    return ws;
  }
}

/** Settles promise callbacks (the core's answers resolve through microtasks). */
export function flush() {
  return new Promise((resolve) => setImmediate(resolve));
}

export function fakeEnv(clock, server, extra = {}) {
  return {
    WebSocket: server.WebSocket,
    EventSource: undefined,
    fetch: undefined,
    setTimeout: (fn, ms) => clock.setTimeout(fn, ms),
    clearTimeout: (id) => clock.clearTimeout(id),
    now: () => clock.now(),
    random: () => 0.5,
    ...extra,
  };
}

/** A JWT-shaped token for a user (unsigned: the core only reads `sub`). */
export function token(sub) {
  const enc = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${enc({ alg: 'HS256', typ: 'JWT' })}.${enc({ sub })}.sig`;
}
