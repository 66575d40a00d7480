import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backoffDelay, BeaconError, Core } from '../src/core.js';
import { fakeEnv, FakeClock, FakeServer, flush, token } from './fakes.js';

const URL = 'ws://127.0.0.1:7070/v1/connect';

function setup(options = {}) {
  const clock = new FakeClock();
  const server = new FakeServer();
  const core = new Core({ url: URL, token: token('alice'), ...options }, fakeEnv(clock, server, options.env));
  const events = [];
  core.attach(1, (event, data) => events.push([event, data]));
  return { clock, server, core, events };
}

async function connected(options) {
  const s = setup(options);
  const p = s.core.connect();
  s.server.welcome();
  await p;
  return s;
}

test('connect says hello with the token, device and protocol, and resolves with the welcome', async () => {
  const { server, core, events } = setup({ device: 'desktop' });
  const p = core.connect();
  assert.equal(core.state, 'connecting');
  server.socket.open();
  assert.deepEqual(server.socket.messages()[0], { type: 'hello', token: token('alice'), device: 'desktop', protocol: 1 });
  server.welcome({ session_id: 'S9', heartbeat_interval_ms: 10_000 });
  const w = await p;
  assert.equal(w.sessionId, 'S9');
  assert.equal(w.userId, 'alice');
  assert.equal(w.heartbeatIntervalMs, 10_000);
  assert.equal(w.transport, 'websocket');
  assert.equal(core.state, 'open');
  assert.deepEqual(events.filter(([e]) => e === 'state').map(([, d]) => d), ['connecting', 'open']);
});

test('heartbeats go out at the interval the server gives, plain while answers come, as an answered probe when none do', async () => {
  const { clock, server, core } = await connected();
  const ws = server.socket;
  ws.sent.length = 0;
  clock.advance(7_500); // half the interval: nothing sent for 7.5 s < 0.75 × 15 s
  assert.equal(ws.sent.length, 0);
  ws.push({ type: 'presence', user_id: 'x', status: 'online', version: 1 }); // traffic from the server
  clock.advance(7_500); // 15 s without sending
  assert.deepEqual(ws.sent, ['{"type":"heartbeat"}']);
  clock.advance(15_000); // nothing received for 15 s: a probe with an id
  const probe = ws.messages().pop();
  assert.equal(probe.type, 'heartbeat');
  assert.ok(probe.id, 'the probe asks for an ack');
  ws.push({ type: 'ack', id: probe.id });
  assert.equal(core.state, 'open');
});

test('heartbeats are never more than an interval apart, whatever the phase of the last frame', async () => {
  const { clock, server, core } = await connected();
  const ws = server.socket;
  clock.advance(6_500);
  core.activity(1, 'idle'); // a frame just before the heartbeat timer looks (every 7.5 s)
  let last = clock.now();
  let seen = ws.sent.length;
  let longest = 0;
  for (let t = 0; t < 120_000; t += 250) {
    if (t % 5_000 === 0) {
      ws.push({ type: 'presence', user_id: 'x', status: 'online', version: t + 1 }); // answers keep coming
    }
    clock.advance(250);
    if (ws.sent.length > seen) {
      longest = Math.max(longest, clock.now() - last);
      last = clock.now();
      seen = ws.sent.length;
    }
  }
  assert.ok(longest <= 15_000, `${longest} ms between two frames; the interval is 15,000`);
  assert.ok(longest >= 7_500, `${longest} ms: not more often than needed`);
});

test('an active session says so again every activityRefreshMs, so the server does not turn it idle', async () => {
  const { clock, server } = await connected(); // one client, no idle detection: active for as long as it is open
  const ws = server.socket;
  const activities = () => ws.messages().filter((m) => m.type === 'activity');
  const wait = (ms) => {
    for (let t = 0; t < ms; t += 1_000) {
      if (t % 5_000 === 0) {
        ws.push({ type: 'presence', user_id: 'x', status: 'online', version: clock.now() }); // the link is alive
      }
      clock.advance(1_000);
    }
  };
  wait(59_000);
  assert.deepEqual(activities(), [], 'nothing to say within the first minute');
  wait(62_000);
  assert.deepEqual(activities(), [{ type: 'activity', state: 'active' }, { type: 'activity', state: 'active' }]);
});

test('a server gone silent for longer than the session TTL is given up and reconnected', async () => {
  const { clock, server, core } = await connected();
  clock.advance(40_000 + 15_000 + 7_500);
  assert.equal(core.state, 'reconnecting');
  clock.advance(1_000);
  assert.equal(server.sockets.length, 2);
});

test('backoff doubles from the minimum to the cap with half of each delay random', () => {
  const mid = (a) => backoffDelay(a, 500, 15_000, () => 0.5);
  assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 10].map(mid), [375, 750, 1500, 3000, 6000, 11250, 11250, 11250]);
  for (let a = 0; a < 12; a++) {
    const ceiling = Math.min(15_000, 500 * 2 ** a);
    assert.equal(backoffDelay(a, 500, 15_000, () => 0), ceiling / 2);
    assert.equal(backoffDelay(a, 500, 15_000, () => 1), ceiling);
  }
});

test('reconnects with growing delays while the server is away, and starts over after a welcome', async () => {
  const { clock, server, core } = await connected();
  server.socket.drop(1006);
  assert.equal(core.state, 'reconnecting');
  const delays = [];
  for (let i = 0; i < 4; i++) {
    delays.push(clock.nextDelay());
    clock.advance(clock.nextDelay());
    server.socket.fail();
  }
  assert.deepEqual(delays, [375, 750, 1500, 3000]);
  clock.advance(clock.nextDelay());
  server.welcome({ session_id: 'S1' });
  assert.equal(core.state, 'open');
  server.socket.drop(1006);
  assert.equal(clock.nextDelay(), 375, 'the backoff starts over');
});

test('a reconnect resumes with the latest resume token; a resumed session is not asked again for what it has', async () => {
  const { clock, server, core } = await connected();
  const sub = core.subscribe(1, ['bob']);
  server.socket.push({ type: 'presence_snapshot', id: server.socket.last('subscribe').id, presences: [{ user_id: 'bob', status: 'online', version: 5 }] });
  await sub;
  const joined = core.join(1, 'doc:1', { mode: 'viewing' });
  server.socket.push({ type: 'room_snapshot', id: server.socket.last('join').id, room: 'doc:1', members: [], count: 0, version: 10 });
  await joined;

  server.socket.drop(1006);
  clock.advance(clock.nextDelay());
  server.socket.open();
  assert.equal(server.socket.messages()[0].resume, 'R1');
  server.welcome({ session_id: 'S1', resume_token: 'R2' });
  assert.deepEqual(server.socket.messages().map((m) => m.type), ['hello'], 'nothing asked again: the server kept it all');

  server.socket.drop(1006);
  clock.advance(clock.nextDelay());
  server.socket.open();
  assert.equal(server.socket.messages()[0].resume, 'R2');
  server.welcome({ session_id: 'S2' }); // the grace was over: a new session
  const again = server.socket.messages().slice(1);
  assert.deepEqual(again.map((m) => m.type), ['subscribe', 'join']);
  assert.deepEqual(again[0].user_ids, ['bob']);
  assert.deepEqual(again[1].meta, { mode: 'viewing' });
  assert.equal(core.sessionId, 'S2');
});

test('an older presence never replaces a newer one, wherever it comes from', async () => {
  const { server, core, events } = await connected();
  const sub = core.subscribe(1, ['bob']);
  const id = server.socket.last('subscribe').id;
  server.socket.push({ type: 'presence', user_id: 'bob', status: 'busy', version: 7 }); // beats the snapshot
  server.socket.push({ type: 'presence_snapshot', id, presences: [{ user_id: 'bob', status: 'online', version: 5 }] });
  const [bob] = await sub;
  assert.equal(bob.status, 'busy');
  server.socket.push({ type: 'presence', user_id: 'bob', status: 'away', version: 6 });
  server.socket.push({ type: 'presence', user_id: 'bob', status: 'away', version: 7 });
  assert.equal(core.presence.get('bob').status, 'busy');
  server.socket.push({ type: 'presence', user_id: 'bob', status: 'offline', version: 9 });
  assert.equal(core.presence.get('bob').status, 'offline');
  assert.deepEqual(events.filter(([e]) => e === 'presence').map(([, p]) => p.version), [7, 9]);
});

test('requests resolve on ack, fail with the error code, and wait for the next welcome while away', async () => {
  const { clock, server, core } = await connected();
  const ok = core.command(1, { type: 'set_status', status: 'busy' });
  server.socket.push({ type: 'ack', id: server.socket.last('set_status').id });
  await ok;
  const bad = core.command(1, { type: 'set_status', status: 'nope' });
  server.socket.push({ type: 'error', id: server.socket.last('set_status').id, code: 'bad_request', message: 'status must be …' });
  await assert.rejects(bad, (e) => e instanceof BeaconError && e.code === 'bad_request');

  server.socket.drop(1006);
  const later = core.command(1, { type: 'set_status', status: 'away' });
  clock.advance(clock.nextDelay());
  server.welcome({ session_id: 'S1' });
  const sent = server.socket.last('set_status');
  assert.equal(sent.status, 'away');
  server.socket.push({ type: 'batch', messages: [{ type: 'ack', id: sent.id }] });
  await later;

  const lost = core.command(1, { type: 'clear_custom_status' });
  clock.advance(20_000);
  await assert.rejects(lost, (e) => e.code === 'timeout');
});

test('4005 (disconnected by the server) ends it for good; 4002 asks for a new token and resumes with it', async () => {
  const a = await connected();
  a.server.socket.drop(4005, 'disconnected by the server');
  assert.equal(a.core.state, 'closed');
  assert.equal(a.clock.nextDelay(), null, 'no reconnect');
  assert.ok(a.events.some(([e, d]) => e === 'closed' && d.code === 'disconnected'));
  await assert.rejects(a.core.command(1, { type: 'set_status', status: 'busy' }), (e) => e.code === 'closed');

  const b = await connected();
  b.server.socket.drop(4002, 'token expired');
  assert.ok(b.events.some(([e, d]) => e === 'token_needed' && d === 'token_expired'));
  assert.equal(b.server.sockets.length, 1, 'not with the expired token');
  b.core.setToken(token('alice') + 'x');
  b.clock.advance(0);
  b.server.socket.open();
  const hello = b.server.socket.messages()[0];
  assert.equal(hello.token, token('alice') + 'x');
  assert.equal(hello.resume, 'R1');

  const c = await connected({ connectTimeoutMs: 5_000 });
  c.server.socket.drop(4001, 'unauthorized');
  c.clock.advance(5_000);
  assert.equal(c.core.state, 'closed', 'nobody gave a new token');
});

test('rooms: one snapshot, diffs in order, a gap asks for a fresh snapshot, typing follows the signals', async () => {
  const { server, core, events } = await connected();
  const joined = core.join(1, 'doc:1', { mode: 'viewing' });
  const join = server.socket.last('join');
  assert.deepEqual(join.meta, { mode: 'viewing' });
  const alice = { user_id: 'alice', sessions: [{ session_id: 'S1', device: 'web', meta: { mode: 'viewing' }, joined_at: 1 }] };
  server.socket.push({ type: 'room_snapshot', id: join.id, room: 'doc:1', members: [alice], count: 1, version: 100, typing: ['zed'] });
  const state = await joined;
  assert.deepEqual(state.members.map((m) => m.user_id), ['alice']);
  assert.deepEqual(state.typing, ['zed']);

  const bob = { user_id: 'bob', sessions: [{ session_id: 'B', device: 'mobile', meta: {}, joined_at: 2 }] };
  server.socket.push({ type: 'room_diff', room: 'doc:1', joins: [bob], leaves: [], updates: [], count: 2, since: 100, version: 101 });
  server.socket.push({ type: 'room_diff', room: 'doc:1', joins: [], leaves: ['bob'], updates: [], count: 1, since: 100, version: 101 }); // a repeat
  assert.deepEqual([...core.rooms.get('doc:1').members.keys()], ['alice', 'bob']);
  server.socket.push({ type: 'room_diff', room: 'doc:1', joins: [], leaves: ['alice'], updates: [], count: 1, since: 105, version: 107 });
  assert.deepEqual([...core.rooms.get('doc:1').members.keys()], ['alice', 'bob'], 'a gap is not applied');
  assert.equal(server.socket.last('join').room, 'doc:1', 'a gap asks for a fresh snapshot');
  assert.notEqual(server.socket.last('join').id, join.id);

  server.socket.push({ type: 'signal', room: 'doc:1', user_id: 'bob', kind: 'typing' });
  assert.deepEqual([...core.rooms.get('doc:1').typing], ['zed', 'bob']);
  server.socket.push({ type: 'signal', room: 'doc:1', user_id: 'bob', kind: 'typing', data: { typing: false } });
  assert.deepEqual([...core.rooms.get('doc:1').typing], ['zed']);
  assert.equal(events.filter(([e]) => e === 'signal').length, 2);
  assert.equal(events.filter(([e]) => e === 'room_diff').length, 1);
});

test('a room left before its join was answered is not kept; leaving one the server already forgot is fine', async () => {
  const { server, core } = await connected();
  const joined = core.join(1, 'doc:2');
  const left = core.leave(1, 'doc:2');
  const join = server.socket.last('join');
  server.socket.push({ type: 'room_snapshot', id: join.id, room: 'doc:2', members: [], count: 0, version: 1 });
  await joined;
  server.socket.push({ type: 'error', id: server.socket.last('leave').id, code: 'not_found', message: 'not in room' });
  await left;
  assert.equal(core.rooms.size, 0);
});

test('input checks: user id lists and room ids', async () => {
  const { core } = await connected();
  assert.throws(() => core.subscribe(1, 'bob'), TypeError);
  assert.throws(() => core.subscribe(1, ['']), TypeError);
  assert.throws(() => core.join(1, ''), TypeError);
  assert.throws(() => core.join(1, 'x'.repeat(257)), TypeError);
  assert.throws(() => new Core({ url: URL }), TypeError);
});

test('after two WebSocket attempts that cannot open, "auto" falls back to SSE with commands POSTed', async () => {
  const clock = new FakeClock();
  const server = new FakeServer();
  const streams = [];
  class FakeEventSource {
    constructor(url) {
      this.url = url;
      this.listeners = {};
      streams.push(this);
    }

    addEventListener(type, fn) {
      this.listeners[type] = fn;
    }

    close() {
      this.closed = true;
    }

    event(type, data) {
      this.listeners[type]({ data: JSON.stringify(data) });
    }
  }
  const posts = [];
  const fetch = (url, init) => {
    posts.push({ url, init, body: JSON.parse(init.body) });
    return Promise.resolve({ status: 202, json: async () => ({ status: 'accepted' }) });
  };
  const core = new Core({ url: URL, token: token('alice') }, fakeEnv(clock, server, { EventSource: FakeEventSource, fetch }));
  core.attach(1, () => {});
  const p = core.connect();
  server.socket.fail();
  clock.advance(clock.nextDelay());
  server.socket.fail();
  clock.advance(clock.nextDelay());
  assert.equal(streams.length, 1, 'the third attempt is a stream');
  const es = streams[0];
  assert.match(es.url, /^http:\/\/127\.0\.0\.1:7070\/v1\/events\?token=.+&device=web$/);
  es.onopen();
  es.event('welcome', { type: 'welcome', session_id: 'S1', user_id: 'alice', heartbeat_interval_ms: 15_000, session_ttl_ms: 40_000, resume_token: 'R', server_time: 0 });
  const w = await p;
  assert.equal(w.transport, 'sse');
  const busy = core.command(1, { type: 'set_status', status: 'busy' });
  await flush();
  assert.equal(posts[0].url, 'http://127.0.0.1:7070/v1/commands');
  assert.equal(posts[0].init.headers['X-Beacon-Session'], 'S1');
  assert.equal(posts[0].init.headers.Authorization, `Bearer ${token('alice')}`);
  es.event('ack', { type: 'ack', id: posts[0].body.id });
  await busy;
  clock.advance(15_000); // SSE needs POSTed heartbeats: only commands count as frames
  await flush();
  assert.equal(posts[posts.length - 1].body.type, 'heartbeat');
});
