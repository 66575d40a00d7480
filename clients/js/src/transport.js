// The two ways to reach a Beacon server: WebSocket (/v1/connect) and, when that cannot connect,
// Server-Sent Events (/v1/events) with commands POSTed to /v1/commands. Both look the same to the
// core: open(), send(message), close(), and the callbacks onOpen, onMessage, onClose.

/** The server messages an SSE stream carries as named events. */
const SSE_EVENTS = ['welcome', 'presence', 'presence_snapshot', 'room_snapshot', 'room_diff', 'signal', 'ack', 'error', 'batch'];

/** The exact frame the server recognises without parsing it (protocol §5 heartbeat). */
export const PLAIN_HEARTBEAT = '{"type":"heartbeat"}';

/** The http(s) base of a ws(s)://host/v1/connect URL. */
export function httpBase(wsUrl) {
  const u = new URL(wsUrl);
  u.protocol = u.protocol === 'wss:' ? 'https:' : u.protocol === 'ws:' ? 'http:' : u.protocol;
  u.pathname = u.pathname.replace(/\/v1\/connect\/?$/, '');
  u.search = '';
  u.hash = '';
  return u.toString().replace(/\/$/, '');
}

/** WebSocket: the hello is the first frame; every frame is one JSON message (or a batch). */
export class WebSocketTransport {
  constructor(env, url, hello, handlers) {
    this.kind = 'websocket';
    this.handlers = handlers;
    this.opened = false;
    this.closed = false;
    const ws = new env.WebSocket(url);
    this.ws = ws;
    ws.onopen = () => {
      this.opened = true;
      ws.send(JSON.stringify(hello));
      handlers.onOpen();
    };
    ws.onmessage = (e) => {
      if (typeof e.data !== 'string') {
        return;
      }
      let message;
      try {
        message = JSON.parse(e.data);
      } catch {
        return;
      }
      handlers.onMessage(message);
    };
    ws.onclose = (e) => this._closed(e.code ?? 1006, e.reason ?? '');
    ws.onerror = () => {
      // a close event follows
    };
  }

  _closed(code, reason) {
    if (!this.closed) {
      this.closed = true;
      this.handlers.onClose(code, reason, this.opened);
    }
  }

  send(message) {
    if (this.closed || this.ws.readyState !== 1) {
      return false;
    }
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
    return true;
  }

  close(code = 1000, reason = 'bye') {
    if (this.closed) {
      return;
    }
    try {
      this.ws.close(code, reason);
    } catch {
      // already closing
    }
    this._closed(code, reason);
  }
}

/**
 * SSE: the stream carries the server's messages; each client message is a POST. The stream's own
 * reconnects are not used: the core reconnects (with backoff and resume) like for a WebSocket.
 */
export class SseTransport {
  constructor(env, url, hello, handlers) {
    this.kind = 'sse';
    this.env = env;
    this.handlers = handlers;
    this.opened = false;
    this.closed = false;
    this.token = hello.token;
    this.sessionId = null;
    this.base = httpBase(url);
    const params = new URLSearchParams({ token: hello.token, device: hello.device || 'web' });
    if (hello.resume) {
      params.set('resume', hello.resume);
    }
    const es = new env.EventSource(`${this.base}/v1/events?${params}`);
    this.es = es;
    es.onopen = () => {
      this.opened = true;
      handlers.onOpen();
    };
    const deliver = (e) => {
      let message;
      try {
        message = JSON.parse(e.data);
      } catch {
        return;
      }
      if (message.type === 'welcome') {
        this.sessionId = message.session_id;
      }
      handlers.onMessage(message);
    };
    for (const type of SSE_EVENTS) {
      es.addEventListener(type, deliver);
    }
    es.addEventListener('close', (e) => {
      let code = 1006;
      let reason = '';
      try {
        ({ code, reason } = JSON.parse(e.data));
      } catch {
        // keep 1006
      }
      this.close(code, reason);
    });
    // a stream that fails (network, HTTP error) is closed here: the core decides when to come back
    es.onerror = () => this.close(this.opened ? 1006 : 4000, 'event stream failed');
  }

  send(message) {
    if (this.closed || !this.sessionId) {
      return false;
    }
    const body = typeof message === 'string' ? message : JSON.stringify(message);
    this.env.fetch(`${this.base}/v1/commands`, {
      method: 'POST',
      headers: { 'Authorization': `Bearer ${this.token}`, 'X-Beacon-Session': this.sessionId, 'Content-Type': 'application/json' },
      body,
    }).then(async (res) => {
      if (res.status === 202 || !message.id) {
        return;
      }
      // refused before processing: nothing arrives on the stream, so the answer is made here
      let error = { code: 'internal', message: `HTTP ${res.status}` };
      try {
        error = await res.json();
      } catch {
        // keep the generic one
      }
      this.handlers.onMessage({ type: 'error', id: message.id, code: error.code, message: error.message });
    }, () => {
      if (message.id) {
        this.handlers.onMessage({ type: 'error', id: message.id, code: 'internal', message: 'the command could not be sent' });
      }
    });
    return true;
  }

  close(code = 1000, reason = 'bye') {
    if (this.closed) {
      return;
    }
    this.closed = true;
    this.es.close();
    this.handlers.onClose(code, reason, this.opened);
  }
}
