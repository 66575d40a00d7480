import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IdleDetector } from '../src/beacon.js';
import { FakeClock } from './fakes.js';

function page(clock) {
  const window = new EventTarget();
  const document = new EventTarget();
  document.visibilityState = 'visible';
  const env = { setTimeout: (f, ms) => clock.setTimeout(f, ms), clearTimeout: (t) => clock.clearTimeout(t), now: () => clock.now(), window, document };
  return {
    env,
    input: (type = 'pointermove') => window.dispatchEvent(new Event(type)),
    hide: () => {
      document.visibilityState = 'hidden';
      document.dispatchEvent(new Event('visibilitychange'));
    },
    show: () => {
      document.visibilityState = 'visible';
      document.dispatchEvent(new Event('visibilitychange'));
    },
  };
}

test('idle after the timeout without input, active again at the first input', () => {
  const clock = new FakeClock();
  const p = page(clock);
  const reports = [];
  const d = new IdleDetector({ afterMs: 60_000, hiddenAfterMs: 10_000, refreshMs: 30_000 }, (s) => reports.push(s), p.env);
  d.start();
  clock.advance(59_000);
  assert.equal(d.state, 'active');
  p.input('keydown');
  clock.advance(59_000);
  assert.equal(d.state, 'active', 'the input moved the deadline');
  clock.advance(1_000);
  assert.equal(d.state, 'idle');
  p.input();
  assert.equal(d.state, 'active');
  assert.deepEqual(reports, ['active', 'idle', 'active'], 'a refresh (input after refreshMs), idle, active');
  d.stop();
  assert.equal(clock.nextDelay(), null, 'no timer left');
});

test('a hidden page goes idle sooner and comes back active when shown', () => {
  const clock = new FakeClock();
  const p = page(clock);
  const reports = [];
  const d = new IdleDetector({ afterMs: 60_000, hiddenAfterMs: 10_000 }, (s) => reports.push(s), p.env);
  d.start();
  p.hide();
  clock.advance(9_000);
  p.input(); // events of a hidden page (synthetic ones) do not count
  clock.advance(1_000);
  assert.equal(d.state, 'idle');
  p.show();
  assert.equal(d.state, 'active');
  assert.deepEqual(reports, ['idle', 'active']);
});

test('input floods are cheap: one timer, and "still active" at most every refreshMs', () => {
  const clock = new FakeClock();
  const p = page(clock);
  const reports = [];
  const d = new IdleDetector({ afterMs: 60_000, hiddenAfterMs: 10_000, refreshMs: 30_000 }, (s) => reports.push(s), p.env);
  d.start();
  for (let i = 0; i < 1_000; i++) {
    p.input();
    clock.advance(100);
  }
  assert.equal(clock.timers.size, 1);
  assert.deepEqual(reports, ['active', 'active', 'active'], 'three refreshes in 100 s of input');
  assert.equal(d.state, 'active');
});

test('the default platform works with browser timers, which refuse to be called as methods of another object', () => {
  const { setTimeout: realSet, clearTimeout: realClear } = globalThis;
  // like a browser's: "Illegal invocation" unless called on the global object (or without a receiver)
  function strictSet(fn, ms) {
    if (this !== undefined && this !== globalThis) {
      throw new TypeError('Illegal invocation');
    }
    return realSet(fn, ms);
  }
  function strictClear(t) {
    if (this !== undefined && this !== globalThis) {
      throw new TypeError('Illegal invocation');
    }
    return realClear(t);
  }
  globalThis.setTimeout = strictSet;
  globalThis.clearTimeout = strictClear;
  try {
    const d = new IdleDetector({ afterMs: 60_000, hiddenAfterMs: 10_000 }, () => {});
    d.start(); // arms the idle timer
    d.stop(); // clears it
    assert.equal(d.state, 'active');
  } finally {
    globalThis.setTimeout = realSet;
    globalThis.clearTimeout = realClear;
  }
});
