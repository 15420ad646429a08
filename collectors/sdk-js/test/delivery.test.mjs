// Batching, retries, backoff, Retry-After, 4xx handling, the persisted queue and flush on page exit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { World, settle } from './fakes.mjs';

test('a full batch is sent at once, in one request, with the write key in a text/plain body', async () => {
  const w = new World();
  const ff = w.client({ batchSize: 3, flushInterval: 5000 });
  ff.track('A'); ff.track('B');
  await w.advance(0);
  assert.equal(w.requests.length, 0, 'a partial batch waits');
  ff.track('C');
  await w.advance(0);
  assert.equal(w.requests.length, 1);
  const r = w.requests[0];
  assert.equal(r.url, 'https://ff.example.com/v1/batch');
  assert.equal(r.init.headers['Content-Type'], 'text/plain');
  assert.equal(r.init.credentials, 'omit');
  assert.equal(r.body.writeKey, 'wk');
  assert.deepEqual(r.body.batch.map(m => m.event), ['A', 'B', 'C']);
  assert.equal(r.body.sentAt, new Date(w.time).toISOString());
  assert.equal(ff.pending(), 0);
  assert.deepEqual(w.storedIds(), []);
});

test('a partial batch is sent after flushInterval', async () => {
  const w = new World();
  const ff = w.client({ batchSize: 10, flushInterval: 2000 });
  ff.track('A');
  await w.advance(500);
  ff.track('B');
  await w.advance(1499);
  assert.equal(w.requests.length, 0);
  await w.advance(1);
  assert.equal(w.requests.length, 1, 'sent flushInterval after the first event');
  assert.equal(w.requests[0].body.batch.length, 2);
});

test('batches are cut by bytes as well as by count', async () => {
  const w = new World();
  const ff = w.client({ batchSize: 100, flushInterval: 0, maxBatchBytes: 3000 });
  for (let i = 0; i < 6; i++) ff.track('Big', { text: 'x'.repeat(900) });
  await w.advance(10);
  assert.ok(w.requests.length >= 3, `${w.requests.length} requests`);
  for (const r of w.requests) assert.ok(Buffer.byteLength(r.init.body) <= 3000, 'each request within maxBatchBytes');
  assert.equal(new Set(w.sentIds()).size, 6);
});

test('5xx and network errors are retried with the same messageIds, exponential backoff and jitter', async () => {
  const w = new World();
  w.randomValue = 1; // the top of each jitter range [d/2, d]
  const ff = w.client({ batchSize: 1, minBackoff: 1000, maxBackoff: 4000 });
  const id = ff.track('A');
  w.answer(503, 'network', 500, 502, 200);
  await w.advance(0);
  await w.advance(60000);
  const times = w.requests.map(r => r.at - w.requests[0].at);
  assert.deepEqual(times, [0, 1000, 3000, 7000, 11000], 'delays 1 s, 2 s, 4 s, then capped at 4 s');
  assert.deepEqual(w.sentIds(), [id, id, id, id, id], 'every attempt carries the same messageId');
  assert.notEqual(w.requests[0].body.sentAt, w.requests[1].body.sentAt, 'sentAt is the time of each attempt');
  assert.equal(ff.pending(), 0);
});

test('jitter draws each delay from [d/2, d]', async () => {
  const w = new World();
  w.randomValue = 0;
  const ff = w.client({ batchSize: 1, minBackoff: 1000 });
  ff.track('A');
  w.answer(503, 503, 200);
  await w.advance(0);
  await w.advance(10000);
  assert.deepEqual(w.requests.map(r => r.at - w.requests[0].at), [0, 500, 1500]);
});

test('Retry-After of a 429 is honoured, in seconds or as an HTTP date', async () => {
  const w = new World();
  const ff = w.client({ batchSize: 1, minBackoff: 100 });
  ff.track('A');
  w.answer({ status: 429, headers: { 'Retry-After': '3' } });
  await w.advance(0);
  await w.advance(2999);
  assert.equal(w.requests.length, 1, 'nothing before Retry-After');
  await w.advance(1);
  assert.equal(w.requests.length, 2);

  ff.track('B');
  w.answer({ status: 503, headers: { 'Retry-After': new Date(w.time + 5000).toUTCString() } });
  await w.advance(0);
  const failedAt = w.time;
  ff.track('C'); // a new event does not cut the wait short
  await w.advance(4000);
  assert.equal(w.requests.length, 3);
  await w.advance(2000);
  assert.deepEqual(w.requests.slice(2).map(r => r.body.batch[0].event), ['B', 'B', 'C'], 'B retried, then C');
  assert.ok(w.requests[3].at - failedAt >= 4000 && w.requests[3].at - failedAt <= 5000);
  assert.equal(ff.pending(), 0);
});

test('4xx other than 429 are never retried: the batch is dropped and reported', async () => {
  for (const status of [400, 401, 413]) {
    const w = new World();
    const drops = [];
    const ff = w.client({ batchSize: 2, onDrop: (reason, ids, s) => drops.push({ reason, ids, s }) });
    const a = ff.track('A'), b = ff.track('B');
    w.answer(status);
    await w.advance(120000);
    assert.equal(w.requests.length, 1, `${status} sent once`);
    assert.deepEqual(drops, [{ reason: 'rejected', ids: [a, b], s: status }]);
    assert.equal(ff.pending(), 0);
    assert.deepEqual(w.storedIds(), []);
  }
});

test('the queue is in localStorage and survives a reload: the next page sends it with the same ids', async () => {
  const w = new World();
  const first = w.client({ batchSize: 10, flushInterval: 1000 });
  const ids = [first.track('A'), first.productViewed({ product_id: 'p-1' }), first.page()];
  w.answer('network');
  await w.advance(1000);
  assert.equal(w.requests.length, 1);
  assert.deepEqual(w.storedIds().sort(), [...ids].sort(), 'unacknowledged events stay stored');

  w.timers = []; // the page is gone
  const second = w.client({ batchSize: 10, flushInterval: 1000 });
  assert.equal(second.pending(), 3);
  await w.advance(1000);
  assert.equal(w.requests.length, 2);
  assert.deepEqual(w.requests[1].body.batch.map(m => m.messageId), ids, 'same ids, original order');
  assert.deepEqual(w.storedIds(), []);
});

test('offline: nothing is attempted until the browser is online again', async () => {
  const w = new World();
  w.isOnline = false;
  const ff = w.client({ batchSize: 1 });
  ff.track('A');
  await w.advance(60000);
  assert.equal(w.requests.length, 0);
  w.isOnline = true;
  w.emit('online');
  await w.advance(0);
  assert.equal(w.requests.length, 1);
  assert.equal(ff.pending(), 0);
});

test('pagehide hands the queue to sendBeacon and keeps it until a later page has it acknowledged', async () => {
  const w = new World();
  const ff = w.client({ batchSize: 50, flushInterval: 10000 });
  const ids = [ff.track('A'), ff.track('B')];
  w.emit('pagehide');
  assert.equal(w.beacons.length, 1);
  const beacon = w.beacons[0];
  assert.equal(beacon.url, 'https://ff.example.com/v1/batch');
  assert.equal(beacon.body.writeKey, 'wk', 'sendBeacon cannot set Authorization: the key is in the body');
  assert.deepEqual(beacon.body.batch.map(m => m.messageId), ids);
  w.emit('pagehide');
  assert.equal(w.beacons.length, 1, 'not beaconed twice within the grace period');
  assert.deepEqual(w.storedIds().sort(), [...ids].sort());

  w.timers = [];
  const next = w.client({ batchSize: 50, flushInterval: 1000 });
  await w.advance(1000);
  assert.deepEqual(w.sentIds(), ids, 'the next page re-sends; the server recognises what the beacon delivered');
  assert.equal(next.pending(), 0);
});

test('without sendBeacon, page exit uses a keepalive fetch', async () => {
  const w = new World();
  w.beaconOk = false;
  const ff = w.client({ batchSize: 50, flushInterval: 10000 });
  ff.track('A');
  w.emit('pagehide');
  await settle();
  assert.equal(w.requests.length, 1);
  assert.equal(w.requests[0].init.keepalive, true);
  assert.equal(ff.pending(), 0, 'acknowledged when the answer still arrives');
});

test('a message over 32 KB is refused at once; a full queue drops its oldest', async () => {
  const w = new World();
  const drops = [];
  const ff = w.client({ maxQueue: 3, flushInterval: 10000, batchSize: 100, onDrop: (reason, ids) => drops.push([reason, ...ids]) });
  assert.equal(ff.track('Huge', { blob: 'x'.repeat(40000) }), undefined);
  const a = ff.track('A');
  ff.track('B'); ff.track('C'); ff.track('D');
  assert.deepEqual(drops.map(d => d[0]), ['too_large', 'queue_full']);
  assert.equal(drops[1][1], a);
  assert.equal(ff.pending(), 3);
  assert.equal(w.storedIds().length, 3);
});

test('messages older than maxAge are dropped instead of sent', async () => {
  const w = new World();
  const drops = [];
  const first = w.client({ flushInterval: 1000 });
  first.track('Old');
  w.timers = [];
  w.time += 8 * 86400000;
  const ff = w.client({ flushInterval: 1000, onDrop: r => drops.push(r) });
  ff.track('New');
  await w.advance(1000);
  assert.deepEqual(w.requests.flatMap(r => r.body.batch.map(m => m.event)), ['New']);
  assert.deepEqual(drops, ['expired']);
});

test('two tabs share storage without overwriting each other', async () => {
  const w = new World();
  const tab1 = w.client({ flushInterval: 5000 }), tab2 = w.client({ flushInterval: 5000 });
  const ids = [tab1.track('A'), tab2.track('B'), tab1.track('C')];
  assert.deepEqual(w.storedIds().sort(), [...ids].sort());
  await w.advance(5000);
  assert.deepEqual(w.sentIds().sort(), [...ids].sort());
  assert.deepEqual(w.storedIds(), []);
});

test('Retry-After: 0 answered again and again does not become a busy loop: the backoff still grows', async () => {
  const w = new World();
  w.randomValue = 1;
  const ff = w.client({ batchSize: 1, minBackoff: 1000, maxBackoff: 8000 });
  ff.track('A');
  for (let i = 0; i < 5; i++) w.answer({ status: 503, headers: { 'Retry-After': '0' } });
  await w.advance(0);
  await w.advance(60000);
  assert.deepEqual(w.requests.map(r => r.at - w.requests[0].at), [0, 1000, 3000, 7000, 15000, 23000]);
  assert.equal(ff.pending(), 0);
});

test('a page turning hidden beacons too, and its events are re-sent by the same page only after a grace period', async () => {
  const w = new World();
  let hidden = false;
  const ff = w.client({ batchSize: 50, flushInterval: 1000, env: { hidden: () => hidden } });
  const id = ff.track('A');
  w.emit('visibilitychange');
  assert.equal(w.beacons.length, 0, 'visible: nothing beaconed');
  hidden = true;
  w.emit('visibilitychange');
  assert.deepEqual(w.beacons.map(b => b.body.batch[0].messageId), [id]);
  w.emit('pagehide');
  assert.equal(w.beacons.length, 1, 'pagehide right after does not beacon the same events again');
  await w.advance(9000);
  assert.equal(w.requests.length, 0, 'within the grace period the page trusts the beacon');
  await w.advance(2000);
  assert.deepEqual(w.sentIds(), [id], 'then it sends them to be sure; the server dedups');
  assert.equal(ff.pending(), 0);
});
