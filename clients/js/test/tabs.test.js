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
