// What runs where the connection lives — in a SharedWorker for every tab of a browser profile, or in
// the page itself: one Core, and the clients (tabs) attached to it, speaking a small message protocol
// over MessagePorts (or direct calls in the page).
//
// client → hub: {op: 'call', id, method, args}        hub → client: {op: 'result', id, value}
//                                                                    {op: 'failure', id, code, message}
//                                                                    {op: 'event', event, data}
import { BeaconError, Core } from './core.js';

/** Runs one method of the core for a client; the methods a client may call. */
export function invoke(core, clientId, method, args) {
  switch (method) {
    case 'connect': return core.connect();
    case 'subscribe': return core.subscribe(clientId, args[0]);
    case 'unsubscribe': return core.unsubscribe(clientId, args[0]);
    case 'query': return core.query(clientId, args[0]);
    case 'command': return core.command(clientId, args[0]);
    case 'activity': core.activity(clientId, args[0]); return undefined;
    case 'join': return core.join(clientId, args[0], args[1]);
    case 'leave': return core.leave(clientId, args[0]);
    case 'setMeta': return core.setMeta(args[0], args[1]);
    case 'signal': return core.signal(args[0], args[1], args[2]);
    case 'setToken': core.setToken(args[0]); return undefined;
    case 'snapshot': return { state: core.state, presence: [...core.presence.values()], info: core.state === 'open' ? core._welcomeInfo() : null };
    default: throw new BeaconError('bad_request', `unknown method ${method}`);
  }
}

/**
 * The cores of one place (a SharedWorker, or a page), one per server URL, user and device: clients
 * that ask for the same one share its connection and session.
 */
export class Hub {
  constructor(env) {
    this.env = env;
    this.cores = new Map();
    this.nextClient = 1;
  }

  /** The key tabs share a connection by: the same server, the same user (the token's subject), the same device. */
  static key(options) {
    return `${options.url}|${tokenSubject(options.token)}|${options.device || 'web'}`;
  }

  /**
   * Attaches a client; {@code emit(event, data)} gets its events. Returns the client's handle:
   * {@code call(method, args)} → Promise, {@code detach()}.
   */
  attach(options, emit) {
    const key = Hub.key(options);
    let core = this.cores.get(key);
    if (core && core.state === 'closed') {
      this.cores.delete(key);
      core = null;
    }
    if (!core) {
      core = new Core(options, this.env);
      this.cores.set(key, core);
    } else if (options.token !== core.token) {
      core.setToken(options.token); // the newest tab's token is the freshest
    }
    const clientId = this.nextClient++;
    core.attach(clientId, emit);
    return {
      clientId,
      core,
      call: (method, args) => {
        try {
          return Promise.resolve(invoke(core, clientId, method, args || []));
        } catch (e) {
          return Promise.reject(e);
        }
      },
      detach: () => {
        core.detach(clientId);
        if (core.clients.size === 0) {
          core.close(); // the last tab went: the session lingers for its grace on the server, then ends
          if (this.cores.get(key) === core) {
            this.cores.delete(key);
          }
        }
      },
    };
  }

  /** Serves one MessagePort (a tab of a SharedWorker) until it says goodbye or its tab is gone. */
  servePort(port) {
    let handle = null;
    const send = (m) => {
      try {
        port.postMessage(m);
      } catch {
        // the tab is gone
      }
    };
    const bye = () => {
      if (handle) {
        handle.detach();
        handle = null;
      }
      port.onmessage = null;
    };
    port.onmessage = (e) => {
      const m = e.data || {};
      if (m.op === 'attach') {
        if (!handle) {
          handle = this.attach(m.options, (event, data) => send({ op: 'event', event, data }));
          if (m.lock && this.env.locks) {
            // the tab holds this lock while it lives: getting it means the tab is gone (closed, crashed)
            this.env.locks.request(m.lock, () => bye());
          }
        }
        send({ op: 'result', id: m.id, value: handle.clientId });
        return;
      }
      if (m.op === 'detach') {
        bye();
        return;
      }
      if (m.op === 'call') {
        if (!handle) {
          send({ op: 'failure', id: m.id, code: 'closed', message: 'not attached' });
          return;
        }
        handle.call(m.method, m.args).then(
          (value) => send({ op: 'result', id: m.id, value }),
          (e) => send({ op: 'failure', id: m.id, code: e.code || 'internal', message: e.message || String(e) }));
      }
    };
    if (port.start) {
      port.start();
    }
  }
}

/** The {@code sub} of a JWT, read without checking it (the server checks): the user a token is for. */
export function tokenSubject(token) {
  try {
    const part = token.split('.')[1];
    const json = atobUrl(part);
    const sub = JSON.parse(json).sub;
    return typeof sub === 'string' ? sub : '';
  } catch {
    return '';
  }
}

function atobUrl(s) {
  const b64 = s.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((s.length + 3) % 4);
  const bin = atob(b64);
  const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}
