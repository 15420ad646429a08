// Calls and their messages, identity, consent, anonymous mode and sampling.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { World } from './fakes.mjs';
import { ECOMMERCE_EVENTS, VERSION } from '../dist/footfall.mjs';

async function sent(w, ff) {
  await ff.flush();
  return w.requests.flatMap(r => r.body.batch);
}

test('track, page, identify and alias produce Segment messages with context and a unique messageId', async () => {
  const w = new World();
  const ff = w.client({ batchSize: 100 });
  ff.page();
  ff.page('Shoes', { filter: 'red' });
  ff.page('Catalogue', 'Shoes');
  ff.track('Newsletter Subscribed', { list: 'weekly' });
  ff.identify('alice', { plan: 'pro' });
  ff.track('After Login');
  ff.alias('alice-2');
  const msgs = await sent(w, ff);
  assert.deepEqual(msgs.map(m => m.type), ['page', 'page', 'page', 'track', 'identify', 'track', 'alias']);
  assert.equal(new Set(msgs.map(m => m.messageId)).size, msgs.length);
  const anon = msgs[0].anonymousId;
  assert.ok(anon, 'anonymous id on every message');
  assert.ok(msgs.every(m => m.anonymousId === anon));
  assert.equal(msgs[0].properties.path, '/shop');
  assert.equal(msgs[0].context.page.url, 'https://shop.example.com/shop');
  assert.deepEqual(msgs[0].context.library, { name: 'footfall.js', version: VERSION });
  assert.equal(msgs[0].context.userAgent, 'test-agent');
  assert.equal(msgs[1].name, 'Shoes');
  assert.equal(msgs[1].properties.filter, 'red');
  assert.equal(msgs[2].category, 'Catalogue');
  assert.equal(msgs[2].name, 'Shoes');
  assert.equal(msgs[3].event, 'Newsletter Subscribed');
  assert.equal(msgs[3].userId, undefined, 'no user before identify');
  assert.deepEqual(msgs[4].traits, { plan: 'pro' });
  assert.equal(msgs[4].userId, 'alice');
  assert.equal(msgs[5].userId, 'alice', 'later events carry the user');
  assert.equal(msgs[6].userId, 'alice-2');
  assert.equal(msgs[6].previousId, 'alice');
  assert.equal(msgs[0].timestamp, new Date(w.time).toISOString());
});

test('the e-commerce helpers track the Segment v2 event names', async () => {
  const w = new World();
  const ff = w.client({ batchSize: 100 });
  assert.equal(ECOMMERCE_EVENTS.productViewed, 'Product Viewed');
  assert.equal(ECOMMERCE_EVENTS.productAddedToWishlist, 'Product Added to Wishlist');
  const names = Object.keys(ECOMMERCE_EVENTS);
  assert.ok(names.length >= 25);
  for (const name of names) ff[name]({ product_id: 'p-1' });
  ff.orderCompleted({ order_id: 'o-1', revenue: 10, products: [{ product_id: 'p-1', price: 10 }] });
  const msgs = await sent(w, ff);
  assert.deepEqual(msgs.slice(0, names.length).map(m => m.event), names.map(n => ECOMMERCE_EVENTS[n]));
  assert.equal(msgs.at(-1).event, 'Order Completed');
  assert.equal(msgs.at(-1).properties.order_id, 'o-1');
});

test('the anonymous id lives in a first-party cookie and localStorage; either one restores it', () => {
  const w = new World();
  const aid = w.client().user().anonymousId;
  assert.ok(aid);
  assert.equal(w.storage.getItem('ff:aid'), aid);
  assert.match(w.cookies.writes[0], new RegExp(`^ff_aid=${aid}; Max-Age=31536000; Path=/; SameSite=Lax$`));
  assert.equal(w.client().user().anonymousId, aid, 'next page, same visitor');
  w.storage.removeItem('ff:aid');
  assert.equal(w.client().user().anonymousId, aid, 'from the cookie');
  w.cookies.jar.clear();
  assert.equal(w.client().user().anonymousId, aid, 'from localStorage');
  assert.ok(w.cookies.jar.has('ff_aid'), 'and written back to the cookie');
  const c = w.client({ cookie: { name: 'shop_ff', domain: 'example.com', days: 30 } });
  assert.equal(c.user().anonymousId, aid, 'localStorage still knows the visitor');
  assert.match(w.cookies.writes.at(-1), /^shop_ff=id-1; Max-Age=2592000; Path=\/; SameSite=Lax; Domain=example.com$/);
});

test('identify persists the user across pages; reset forgets it and starts a new anonymous id', async () => {
  const w = new World();
  const first = w.client();
  const aid = first.user().anonymousId;
  first.identify('bob');
  const second = w.client();
  assert.deepEqual(second.user(), { userId: 'bob', anonymousId: aid });
  second.reset();
  const after = second.user();
  assert.equal(after.userId, null);
  assert.notEqual(after.anonymousId, aid);
  assert.equal(w.storage.getItem('ff:uid'), null);
  assert.deepEqual(w.client().user(), after, 'the new identity persists');
});

test('consent pending: nothing stored, no cookie, nothing sent; granting sends what was held', async () => {
  const w = new World();
  const ff = w.client({ consent: 'pending', batchSize: 1 });
  const ids = [ff.page(), ff.identify('carol', { plan: 'basic' }), ff.productViewed({ product_id: 'p-9' })];
  await w.advance(60000);
  w.emit('pagehide');
  assert.equal(w.requests.length + w.beacons.length, 0, 'nothing sent');
  assert.equal(w.storage.length, 0, 'nothing in localStorage');
  assert.equal(w.cookies.writes.length, 0, 'no cookie');
  assert.equal(ff.user().anonymousId, null);
  assert.equal(ff.pending(), 3);

  ff.consent('granted');
  await w.advance(1000);
  const msgs = w.requests.flatMap(r => r.body.batch);
  assert.deepEqual(msgs.map(m => m.messageId), ids);
  assert.ok(msgs.every(m => m.anonymousId === ff.user().anonymousId));
  assert.equal(msgs[2].userId, 'carol');
  assert.equal(w.storage.getItem('ff:uid'), 'carol');
  assert.ok(w.cookies.jar.has('ff_aid'));
});

test('consent denied: held events are discarded and later calls send nothing', async () => {
  const w = new World();
  const ff = w.client({ consent: 'pending' });
  ff.track('A');
  ff.consent('denied');
  assert.equal(ff.track('B'), undefined);
  await w.advance(60000);
  w.emit('pagehide');
  assert.equal(w.requests.length + w.beacons.length, 0);
  assert.equal(ff.pending(), 0);
  assert.equal(w.storage.length, 0);

  const granted = new World();
  granted.client({ flushInterval: 60000 }).track('Left by another page');
  const g = granted.client({ flushInterval: 60000 });
  g.identify('dan');
  g.track('Stored');
  assert.equal(granted.storedIds().length, 3, 'two events and the identify');
  g.consent('denied');
  assert.equal(granted.storage.length, 0, 'withdrawing consent removes stored ids and queue');
  assert.equal(granted.cookies.jar.size, 0);
});

test('anonymous mode: a random id per page, no cookie or stored id, no userId, IP masked', async () => {
  const w = new World();
  const ff = w.client({ anonymous: true, batchSize: 100 });
  ff.identify('erin', { email: 'erin@example.test' });
  ff.alias('erin-2');
  ff.track('A');
  ff.productViewed({ product_id: 'p-1' });
  const msgs = await sent(w, ff);
  assert.deepEqual(msgs.map(m => m.event), ['A', 'Product Viewed'], 'identify and alias are not sent');
  assert.ok(msgs.every(m => m.userId === undefined && m.anonymousId && m.context.ip === '0.0.0.0'));
  assert.equal(w.cookies.writes.length, 0);
  assert.deepEqual(w.storage.keys().filter(k => !k.startsWith('ff:q:')), [], 'only the queue is stored');
  const other = w.client({ anonymous: true });
  assert.notEqual(other.user().anonymousId, msgs[0].anonymousId, 'nothing links two page loads');
});

test('sampling keeps or drops whole visitors', async () => {
  const w = new World();
  let kept = 0;
  const total = 400;
  for (let i = 0; i < total; i++) {
    w.storage = new (w.storage.constructor)();
    w.cookies.jar.clear();
    const before = w.storedIds().length;
    const ff = w.client({ sampleRate: 0.25, flushInterval: 100000 });
    const a = ff.track('A'), b = ff.track('B');
    assert.equal(a === undefined, b === undefined, 'a visitor is in or out as a whole');
    if (a) kept++;
    assert.equal(w.storedIds().length - before, a ? 2 : 0);
  }
  assert.ok(kept > total * 0.15 && kept < total * 0.35, `kept ${kept} of ${total}`);
  const none = new World().client({ sampleRate: 0 });
  assert.equal(none.track('A'), undefined);
});

test('the UMD bundle works as CommonJS and exposes init', async () => {
  const require = createRequire(import.meta.url);
  const umd = require('../dist/footfall.umd.js');
  assert.equal(typeof umd.init, 'function');
  assert.equal(umd.VERSION, VERSION);
  const w = new World();
  const ff = umd.init({ writeKey: 'wk', host: 'https://ff.example.com/', env: w.env() });
  ff.cartViewed({ cart_id: 'c-1' });
  await ff.flush();
  assert.equal(w.requests[0].url, 'https://ff.example.com/v1/batch');
  assert.equal(w.requests[0].body.batch[0].event, 'Cart Viewed');
});

test('a write key is required', () => {
  assert.throws(() => new World().client({ writeKey: '' }), /writeKey/);
});

test('the asynchronous snippet: calls queued before the bundle loads are made in order, then the global is the client', async () => {
  const { readFileSync } = await import('node:fs');
  const vm = await import('node:vm');
  const w = new World();
  // what the snippet in docs/sdk-js.md sets up before the bundle arrives
  const queue = [];
  for (const m of ['init', 'track', 'page', 'identify', 'productViewed']) queue[m] = (...args) => { queue.push([m, ...args]); };
  queue.init({ writeKey: 'wk', host: 'https://ff.example.com', env: w.env(), batchSize: 100 });
  queue.page();
  queue.identify('alice', { plan: 'pro' });
  queue.productViewed({ product_id: 'p-1' });
  queue.push(['cartViewed', { cart_id: 'c-1' }]); // any method, queued by hand
  queue.push(['noSuchMethod', 1]); // ignored
  const sandbox = { footfall: queue };
  vm.runInNewContext(readFileSync(new URL('../dist/footfall.umd.js', import.meta.url), 'utf8'), sandbox);
  const ff = sandbox.footfall;
  assert.ok(!Array.isArray(ff), 'the global became the client');
  assert.equal(typeof ff.track, 'function');
  ff.track('After Load');
  await ff.flush();
  const msgs = w.requests.flatMap(r => r.body.batch);
  assert.deepEqual(msgs.map(m => m.type + ':' + (m.event || '')), ['page:', 'identify:', 'track:Product Viewed', 'track:Cart Viewed', 'track:After Load']);
  assert.ok(msgs.slice(2).every(m => m.userId === 'alice'), 'identify applied to what followed it');
  assert.equal(new Set(msgs.map(m => m.messageId)).size, msgs.length);
});

test('without a queued init the bundle leaves the namespace as the global', async () => {
  const { readFileSync } = await import('node:fs');
  const vm = await import('node:vm');
  const sandbox = { footfall: [['track', 'Early']] };
  vm.runInNewContext(readFileSync(new URL('../dist/footfall.umd.js', import.meta.url), 'utf8'), sandbox);
  assert.equal(typeof sandbox.footfall.init, 'function');
  assert.equal(sandbox.footfall.VERSION, VERSION);
});
