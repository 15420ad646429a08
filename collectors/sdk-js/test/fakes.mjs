// Fakes for the browser environment of footfall.js: a manual clock with timers, an in-memory
// localStorage and cookie jar, a scripted fetch, sendBeacon, and window/document events.
import { init } from '../dist/footfall.mjs';

/** Lets pending promise callbacks (the fake fetch's answers) run. */
export async function settle() {
  for (let i = 0; i < 20; i++) await new Promise(r => setImmediate(r));
}

export class Storage {
  constructor() { this.map = new Map(); }
  get length() { return this.map.size; }
  key(i) { return [...this.map.keys()][i] ?? null; }
  getItem(k) { return this.map.has(k) ? this.map.get(k) : null; }
  setItem(k, v) { this.map.set(k, String(v)); }
  removeItem(k) { this.map.delete(k); }
  keys(prefix = '') { return [...this.map.keys()].filter(k => k.startsWith(prefix)); }
}

export class Cookies {
  constructor() { this.jar = new Map(); this.writes = []; }
  get() { return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; '); }
  set(cookie) {
    this.writes.push(cookie);
    const [pair, ...attrs] = cookie.split('; ');
    const i = pair.indexOf('=');
    const maxAge = attrs.find(a => a.startsWith('Max-Age='));
    if (maxAge && Number(maxAge.slice(8)) <= 0) this.jar.delete(pair.slice(0, i));
    else this.jar.set(pair.slice(0, i), pair.slice(i + 1));
  }
}

/** A browser: one clock, storage and cookie jar shared by every page (client) created in it. */
export class World {
  constructor() {
    this.time = Date.parse('2026-11-29T12:00:00Z');
    this.timers = [];
    this.storage = new Storage();
    this.cookies = new Cookies();
    this.requests = [];
    this.beacons = [];
    this.answers = [];
    this.isOnline = true;
    this.beaconOk = true;
    this.listeners = {};
    this.randomValue = 0.5;
    this.ids = 0;
  }

  /** Next answers of fetch, in order: a status, `{status, headers}`, or 'network' (a rejected fetch). Default 200. */
  answer(...answers) { this.answers.push(...answers); }

  env() {
    return {
      now: () => this.time,
      random: () => this.randomValue,
      uuid: () => `id-${++this.ids}`,
      setTimeout: (fn, ms) => { const t = { at: this.time + ms, fn }; this.timers.push(t); return t; },
      clearTimeout: t => { this.timers = this.timers.filter(x => x !== t); },
      storage: this.storage,
      getCookies: () => this.cookies.get(),
      setCookie: c => this.cookies.set(c),
      online: () => this.isOnline,
      hidden: () => false,
      on: (type, fn) => (this.listeners[type] ||= []).push(fn),
      page: () => ({ path: '/shop', url: 'https://shop.example.com/shop', referrer: '', search: '', title: 'Shop' }),
      context: () => ({ userAgent: 'test-agent', locale: 'en-GB' }),
      beacon: (url, body) => { this.beacons.push({ url, body: JSON.parse(body), at: this.time }); return this.beaconOk; },
      fetch: (url, init) => {
        this.requests.push({ url, init, body: JSON.parse(init.body), at: this.time });
        const a = this.answers.length ? this.answers.shift() : 200;
        if (a === 'network') return Promise.reject(new TypeError('Failed to fetch'));
        const { status, headers = {} } = typeof a === 'number' ? { status: a } : a;
        return Promise.resolve({ status, headers: { get: n => headers[n] ?? null } });
      },
    };
  }

  /** A page with footfall.js initialised. */
  client(options = {}) {
    return init({ writeKey: 'wk', host: 'https://ff.example.com', ...options, env: { ...this.env(), ...options.env } });
  }

  emit(type) { (this.listeners[type] || []).forEach(fn => fn()); }

  /** Moves the clock forward, running due timers in order (and the promise callbacks they start). */
  async advance(ms) {
    const end = this.time + ms;
    await settle();
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at);
      const t = this.timers[0];
      if (!t || t.at > end) break;
      this.timers.shift();
      this.time = Math.max(this.time, t.at);
      t.fn();
      await settle();
    }
    this.time = end;
  }

  /** Message ids of every event in every fetch request so far. */
  sentIds() { return this.requests.flatMap(r => r.body.batch.map(m => m.messageId)); }

  /** Messages stored in localStorage (the persisted queue). */
  storedIds(prefix = 'ff:q:') { return this.storage.keys(prefix).map(k => k.slice(prefix.length)); }
}
