// The SharedWorker that holds one connection for every tab of a browser profile (per server, user and
// device): tabs attach through their MessagePort, and their subscriptions and rooms are merged.
// Loaded by beacon.js as `new SharedWorker(new URL('./beacon-worker.js', import.meta.url), {type: 'module'})`.
import { defaultEnv } from './core.js';
import { Hub } from './hub.js';

const env = defaultEnv();
env.locks = globalThis.navigator?.locks;
const hub = new Hub(env);

globalThis.onconnect = (e) => {
  for (const port of e.ports) {
    hub.servePort(port);
  }
};
