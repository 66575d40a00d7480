// Tab sharing: several clients (tabs) on one core, one connection, one session.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Core } from '../src/core.js';
import { Hub, tokenSubject } from '../src/hub.js';
import { fakeEnv, FakeClock, FakeServer, flush, token } from './fakes.js';

const URL = 'ws://127.0.0.1:7070/v1/connect';

async function twoTabs() {
  const clock = new FakeClock();
  const server = new FakeServer();
  const core = new Core({ url: URL, token: token('alice') }, fakeEnv(clock, server));
  const seen = { 1: [], 2: [] };
  core.attach(1, (e, d) => seen[1].push([e, d]));
  core.attach(2, (e, d) => seen[2].push([e, d]));
  const p = core.connect();
  server.welcome();
  await p;
  return { clock, server, core, seen, ws: server.socket };
}

test('two tabs subscribing to overlapping users: the server is asked once per user, and told only when nobody watches any more', async () => {
  const { core, ws, seen } = await twoTabs();
  core.subscribe(1, ['bob', 'carol']);
  core.subscribe(2, ['bob']);
  assert.deepEqual(ws.messages().filter((m) => m.type === 'subscribe').map((m) => m.user_ids), [['bob', 'carol'], ['bob']]);
  ws.push({ type: 'presence', user_id: 'carol', status: 'online', version: 3 });
  assert.equal(seen[1].filter(([e]) => e === 'presence').length, 1, 'tab 1 watches carol');
  assert.equal(seen[2].filter(([e]) => e === 'presence').length, 0, 'tab 2 does not');

  core.unsubscribe(1, ['bob']);
  assert.equal(ws.last('unsubscribe'), undefined, 'tab 2 still watches bob');
  core.unsubscribe(2, ['bob']);
  assert.deepEqual(ws.last('unsubscribe').user_ids, ['bob']);
});

test('two tabs in one room are one member: one join, and the leave goes out with the last tab', async () => {
  const { core, ws, seen } = await twoTabs();
  const first = core.join(1, 'doc:1', { mode: 'viewing' });
  const join = ws.last('join');
  ws.push({ type: 'room_snapshot', id: join.id, room: 'doc:1', members: [{ user_id: 'alice', sessions: [] }], count: 1, version: 10 });
  await first;
  const second = await core.join(2, 'doc:1');
  assert.equal(ws.messages().filter((m) => m.type === 'join').length, 1, 'one join for the session');
  assert.deepEqual(second.members.map((m) => m.user_id), ['alice'], 'the second tab gets the room as known');
  ws.push({ type: 'room_diff', room: 'doc:1', joins: [{ user_id: 'bob', sessions: [] }], leaves: [], updates: [], count: 2, since: 10, version: 11 });
  assert.equal(seen[1].filter(([e]) => e === 'room_diff').length, 1);
  assert.equal(seen[2].filter(([e]) => e === 'room_diff').length, 1);

  core.leave(1, 'doc:1');
  assert.equal(ws.last('leave'), undefined);
  core.leave(2, 'doc:1');
  assert.equal(ws.last('leave').room, 'doc:1');
});

test('a tab that closes gives up only what it alone asked for', async () => {
  const { core, ws } = await twoTabs();
  core.subscribe(1, ['bob', 'dave']);
  core.subscribe(2, ['bob']);
  const j = core.join(1, 'doc:7');
  ws.push({ type: 'room_snapshot', id: ws.last('join').id, room: 'doc:7', members: [], count: 0, version: 1 });
  await j;
  core.detach(1);
  assert.deepEqual(ws.last('unsubscribe').user_ids, ['dave']);
  assert.equal(ws.last('leave').room, 'doc:7');
  assert.equal(core.state, 'open', 'the other tab keeps the connection');
});

test('the session is idle only when every tab is idle', async () => {
  const { core, ws } = await twoTabs();
  core.activity(1, 'idle');
  assert.equal(ws.last('activity'), undefined, 'tab 2 is still active');
  core.activity(2, 'idle');
  assert.deepEqual(ws.last('activity'), { type: 'activity', state: 'idle' });
  core.activity(1, 'active');
  assert.deepEqual(ws.last('activity'), { type: 'activity', state: 'active' });
  core.detach(1);
  assert.deepEqual(ws.last('activity'), { type: 'activity', state: 'idle' }, 'the active tab closed');
});

test('a tab that opens on an idle session makes it active at once', async () => {
  const { core, ws } = await twoTabs();
  core.activity(1, 'idle');
  core.activity(2, 'idle');
  assert.deepEqual(ws.last('activity'), { type: 'activity', state: 'idle' });
  core.attach(3, () => {});
  assert.deepEqual(ws.last('activity'), { type: 'activity', state: 'active' });
});

test('the last tab to go gives up nothing one by one: the connection closes and the session lingers for its grace', async () => {
  const clock = new FakeClock();
  const server = new FakeServer();
  const hub = new Hub(fakeEnv(clock, server));
  const tab = hub.attach({ url: URL, token: token('alice') }, () => {});
  const connected = tab.call('connect', []);
  server.welcome();
  await connected;
  const ws = server.socket;
  tab.call('subscribe', [['bob']]);
  ws.push({ type: 'presence_snapshot', id: ws.last('subscribe').id, presences: [] });
  const joined = tab.call('join', ['doc:1']);
  ws.push({ type: 'room_snapshot', id: ws.last('join').id, room: 'doc:1', members: [], count: 0, version: 1 });
  await joined;
  const sent = ws.sent.length;
  tab.detach();
  assert.deepEqual(ws.messages().slice(sent), [], 'no leave, unsubscribe or activity idle before the close');
  assert.equal(ws.readyState, 3, 'closed');
  assert.equal(tab.core.state, 'closed');
});

test('the hub shares a core by server, user and device', () => {
  const clock = new FakeClock();
  const server = new FakeServer();
  const hub = new Hub(fakeEnv(clock, server));
  const a1 = hub.attach({ url: URL, token: token('alice') }, () => {});
  const a2 = hub.attach({ url: URL, token: token('alice') + 'newer' }, () => {});
  const b = hub.attach({ url: URL, token: token('bob') }, () => {});
  assert.equal(a1.core, a2.core);
  assert.notEqual(a1.core, b.core);
  assert.equal(a1.core.token, token('alice') + 'newer', 'the newest tab brings the freshest token');
  assert.equal(tokenSubject(token('bob')), 'bob');
  assert.equal(tokenSubject('not a jwt'), '');
  a1.detach();
  assert.notEqual(a2.core.state, 'closed');
  a2.detach();
  assert.equal(a2.core.state, 'closed', 'the last tab closes the connection');
});

test('tabs talk to the worker over MessagePorts: attach, calls, events, goodbye', async () => {
  const clock = new FakeClock();
  const server = new FakeServer();
  const hub = new Hub(fakeEnv(clock, server));
  const tab = (port) => {
    const results = new Map();
    const events = [];
    let next = 1;
    port.onmessage = (e) => {
      if (e.data.op === 'event') {
        events.push(e.data);
      } else {
        results.get(e.data.id)(e.data);
      }
    };
    const post = (m) => new Promise((resolve) => {
      const id = next++;
      results.set(id, resolve);
      port.postMessage({ ...m, id });
    });
    return { post, events };
  };
  const c1 = new MessageChannel();
  const c2 = new MessageChannel();
  hub.servePort(c1.port2);
  hub.servePort(c2.port2);
  const t1 = tab(c1.port1);
  const t2 = tab(c2.port1);
  await t1.post({ op: 'attach', options: { url: URL, token: token('alice') } });
  await t2.post({ op: 'attach', options: { url: URL, token: token('alice') } });
  assert.equal(server.sockets.length, 0);
  const connecting = t1.post({ op: 'call', method: 'connect', args: [] });
  while (server.sockets.length === 0) {
    await flush();
  }
  server.welcome();
  assert.equal((await connecting).value.sessionId, 'S1');
  const again = await t2.post({ op: 'call', method: 'connect', args: [] });
  assert.equal(again.value.sessionId, 'S1', 'the second tab shares the session');
  assert.equal(server.sockets.length, 1, 'one socket for two tabs');

  const sub = t2.post({ op: 'call', method: 'subscribe', args: [['bob']] });
  while (!server.socket.last('subscribe')) {
    await flush();
  }
  server.socket.push({ type: 'presence_snapshot', id: server.socket.last('subscribe').id, presences: [{ user_id: 'bob', status: 'busy', version: 4 }] });
  assert.equal((await sub).value[0].status, 'busy');
  while (!t2.events.some((e) => e.event === 'presence')) {
    await flush();
  }
  assert.ok(t2.events.some((e) => e.event === 'presence' && e.data.user_id === 'bob'));
  const failed = await t1.post({ op: 'call', method: 'join', args: [''] });
  assert.equal(failed.op, 'failure');

  c2.port1.postMessage({ op: 'detach' });
  while (!server.socket.last('unsubscribe')) {
    await flush();
  }
  assert.deepEqual(server.socket.last('unsubscribe').user_ids, ['bob']);
  for (const port of [c1.port1, c1.port2, c2.port1, c2.port2]) {
    port.close();
  }
});

/**
 * Web Locks the way a browser has them for a page and its SharedWorker: one lock manager, but the
 * requests of each side reach it on their own way, so one side's request may arrive later than the
 * other's although it was made first ({@code delayMs}).
 */
class FakeLocks {
  constructor() {
    this.queues = new Map();
  }

  side(delayMs) {
    return { request: (name, callback) => new Promise((resolve) => setTimeout(() => this._arrive(name, callback, resolve), delayMs)) };
  }

  _arrive(name, callback, resolve) {
    const queue = this.queues.get(name) || [];
    this.queues.set(name, queue);
    queue.push({ callback, resolve });
    if (queue.length === 1) {
      this._grant(name);
    }
  }

  _grant(name) {
    const queue = this.queues.get(name);
    const { callback, resolve } = queue[0];
    Promise.resolve().then(() => callback({ name })).then((value) => {
      queue.shift();
      resolve(value);
      if (queue.length > 0) {
        this._grant(name);
      } else {
        this.queues.delete(name);
      }
    });
  }
}

/**
 * Runs {@code body(hub, server)} in a page with a SharedWorker (a {@link Hub} over MessagePorts) and
 * Web Locks whose page-side requests arrive {@code pageLockDelayMs} late; restores the globals after.
 */
async function withWorker(pageLockDelayMs, body) {
  const clock = new FakeClock();
  const server = new FakeServer();
  const locks = new FakeLocks();
  const hub = new Hub(fakeEnv(clock, server, { locks: locks.side(0) }));
  const ports = [];
  const saved = { SharedWorker: globalThis.SharedWorker, navigator: Object.getOwnPropertyDescriptor(globalThis, 'navigator') };
  globalThis.SharedWorker = class {
    constructor() {
      const channel = new MessageChannel();
      ports.push(channel.port1, channel.port2);
      hub.servePort(channel.port2);
      this.port = channel.port1;
    }
  };
  Object.defineProperty(globalThis, 'navigator', { value: { locks: locks.side(pageLockDelayMs) }, configurable: true, writable: true });
  try {
    await body(hub, server);
  } finally {
    globalThis.SharedWorker = saved.SharedWorker;
    if (saved.navigator) {
      Object.defineProperty(globalThis, 'navigator', saved.navigator);
    } else {
      delete globalThis.navigator;
    }
    ports.forEach((p) => p.close());
  }
}

/** Waits (in real time) until {@code condition()} holds, at most 2 s. */
async function until(condition) {
  const deadline = Date.now() + 2_000;
  while (!condition() && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return condition();
}

function settled(promise) {
  return Promise.race([promise, new Promise((resolve) => setTimeout(() => resolve('no answer'), 2_000))]);
}

test('a new tab holds its lock before the worker hears of it, so a quick worker does not take it for a closed tab', async () => {
  // the page's lock requests reach the lock manager 20 ms after the worker's would
  await withWorker(20, async (hub, server) => {
    const { Beacon } = await import('../src/beacon.js');
    const beacon = new Beacon({ url: URL, token: token('alice'), idle: false, workerUrl: 'beacon-worker.js' });
    try {
      const connected = beacon.connect();
      assert.ok(await until(() => server.sockets.length === 1), 'the worker connects for the tab');
      server.welcome();
      const welcome = await settled(connected);
      assert.equal(welcome.sessionId, 'S1', 'the tab is still attached when it calls');
      assert.equal([...hub.cores.values()][0].clients.size, 1);
    } finally {
      beacon.close();
    }
  });
});

test('a tab that joins an open shared connection is open too, and says so', async () => {
  await withWorker(0, async (hub, server) => {
    const { Beacon } = await import('../src/beacon.js');
    const first = new Beacon({ url: URL, token: token('alice'), idle: false, workerUrl: 'beacon-worker.js' });
    const second = new Beacon({ url: URL, token: token('alice'), idle: false, workerUrl: 'beacon-worker.js' });
    try {
      const connected = first.connect();
      assert.ok(await until(() => server.sockets.length === 1));
      server.welcome();
      await settled(connected);
      assert.equal(first.state, 'open');
      const states = [];
      second.on('state', (s) => states.push(s));
      assert.equal((await settled(second.connect())).sessionId, 'S1');
      assert.equal(second.state, 'open', 'no state event comes for a connection that was open already');
      assert.deepEqual(states, ['open']);
      assert.equal(server.sockets.length, 1, 'one connection');
    } finally {
      first.close();
      second.close();
    }
  });
});

test('a token asked for again after the client closed makes no unhandled rejection', async () => {
  await withWorker(0, async (hub, server) => {
    const { Beacon } = await import('../src/beacon.js');
    let asked = 0;
    let hand;
    const later = new Promise((resolve) => { hand = resolve; });
    const beacon = new Beacon({ url: URL, token: () => (++asked === 1 ? token('alice') : later), idle: false, workerUrl: 'beacon-worker.js' });
    const unhandled = [];
    const onUnhandled = (e) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      const connected = beacon.connect();
      assert.ok(await until(() => server.sockets.length === 1));
      server.welcome();
      await settled(connected);
      server.socket.drop(4001, 'token refused'); // the tab is asked for a new token
      assert.ok(await until(() => asked === 2));
      beacon.close(); // and closes before it has one
      hand(`${token('alice')}-fresh`);
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.deepEqual(unhandled, []);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});

/** The server of connections held by a page itself (the SDK keeps one hub per page, made at first use). */
const pageServer = new FakeServer();

test('a SharedWorker that cannot start (its script missing or refused) leaves the page a connection of its own', async () => {
  const server = pageServer;
  const saved = { SharedWorker: globalThis.SharedWorker, WebSocket: globalThis.WebSocket, navigator: Object.getOwnPropertyDescriptor(globalThis, 'navigator') };
  Object.defineProperty(globalThis, 'navigator', { value: { locks: new FakeLocks().side(0) }, configurable: true, writable: true });
  const channels = [];
  globalThis.SharedWorker = class {
    constructor() {
      const channel = new MessageChannel(); // nobody serves the other end: the script never ran
      channels.push(channel);
      this.port = channel.port1;
      setTimeout(() => this.onerror?.({ type: 'error', preventDefault() {} }), 20);
    }
  };
  globalThis.WebSocket = server.WebSocket; // what a connection of the page itself uses
  const { Beacon } = await import('../src/beacon.js');
  const beacon = new Beacon({ url: URL, token: token('alice'), idle: false, workerUrl: 'missing-worker.js' });
  try {
    const connected = beacon.connect();
    assert.ok(await until(() => server.sockets.length === 1), 'the page opened its own socket');
    server.welcome();
    const welcome = await settled(connected);
    assert.equal(welcome.sessionId, 'S1');
    assert.equal(beacon.state, 'open');
    assert.equal(beacon.link.shared, false, 'the worker was tried, and given up');
    assert.ok(beacon.link instanceof Object && 'inner' in beacon.link, 'through the worker link');
    const subscribed = beacon.subscribe(['bob']);
    assert.ok(await until(() => server.socket.last('subscribe')));
    server.socket.push({ type: 'presence_snapshot', id: server.socket.last('subscribe').id, presences: [{ user_id: 'bob', status: 'busy', version: 3 }] });
    assert.equal((await settled(subscribed))[0].status, 'busy');
  } finally {
    beacon.close();
    globalThis.SharedWorker = saved.SharedWorker;
    globalThis.WebSocket = saved.WebSocket;
    if (saved.navigator) {
      Object.defineProperty(globalThis, 'navigator', saved.navigator);
    } else {
      delete globalThis.navigator;
    }
    channels.forEach((c) => { c.port1.close(); c.port2.close(); });
  }
});

test('without Web Locks (not a secure context) the tabs do not share: a crashed tab could not be told apart', async () => {
  const server = pageServer;
  const before = server.sockets.length;
  const saved = { SharedWorker: globalThis.SharedWorker, WebSocket: globalThis.WebSocket };
  let workers = 0;
  globalThis.SharedWorker = class {
    constructor() {
      workers++;
      throw new Error('not expected');
    }
  };
  globalThis.WebSocket = server.WebSocket;
  const { Beacon } = await import('../src/beacon.js');
  const beacon = new Beacon({ url: URL, token: token('alice'), idle: false });
  try {
    const connected = beacon.connect();
    assert.ok(await until(() => server.sockets.length === before + 1), 'the page opened its own socket');
    server.welcome();
    assert.equal((await settled(connected)).sessionId, 'S1');
    assert.equal(workers, 0, 'no worker was started');
  } finally {
    beacon.close();
    globalThis.SharedWorker = saved.SharedWorker;
    globalThis.WebSocket = saved.WebSocket;
  }
});
