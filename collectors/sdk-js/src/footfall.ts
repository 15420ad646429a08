/**
 * footfall.js: the browser SDK for Footfall's Segment-compatible tracking API.
 *
 * Calls become Segment v2 messages with a random `messageId`, are kept in a queue persisted in
 * localStorage (one key per message, so tabs never overwrite each other), and are posted in
 * batches to `/v1/batch` as `text/plain` with the write key in the body (no CORS preflight, and
 * the same body works for `sendBeacon`). A message leaves the queue only when the server has
 * answered 2xx (stored, or already there) or refused it with a 4xx other than 429; everything
 * else is retried with exponential backoff and jitter, honouring `Retry-After`. The server
 * stores each messageId once, so retries and re-sends never duplicate.
 *
 * @packageDocumentation
 */

/** The library's version, sent as `context.library.version`. */
export const VERSION = '0.1.0';

/** JSON-compatible properties or traits. */
export type Properties = Record<string, unknown>;

/** Consent state: `pending` holds events in memory only; `denied` discards them. */
export type Consent = 'granted' | 'pending' | 'denied';

/** A message as sent to the tracking API (Segment's spec). */
export interface Message {
  type: 'track' | 'page' | 'identify' | 'alias';
  messageId: string;
  timestamp: string;
  event?: string;
  name?: string;
  category?: string;
  userId?: string;
  anonymousId?: string;
  previousId?: string;
  properties?: Properties;
  traits?: Properties;
  context: Properties;
}

/** What the browser provides; every member can be replaced (tests, web views, workers). */
export interface Env {
  fetch?: (url: string, init: { method: string; body: string; headers: Record<string, string>; keepalive?: boolean; credentials?: string })
    => Promise<{ status: number; headers: { get(name: string): string | null } }>;
  /** `navigator.sendBeacon`. */
  beacon?: (url: string, body: string) => boolean;
  /** Web Storage (localStorage). */
  storage?: Pick<Storage, 'getItem' | 'setItem' | 'removeItem' | 'key' | 'length'> | null;
  /** Reads all cookies (`document.cookie`). */
  getCookies?: () => string;
  /** Writes one cookie (`document.cookie = …`). */
  setCookie?: (cookie: string) => void;
  /** Registers a listener on `window` (`pagehide`, `online`) or `document` (`visibilitychange`). */
  on?: (type: string, listener: () => void) => void;
  /** `document.visibilityState === 'hidden'`. */
  hidden?: () => boolean;
  /** `navigator.onLine`. */
  online?: () => boolean;
  now?: () => number;
  random?: () => number;
  uuid?: () => string;
  setTimeout?: (fn: () => void, ms: number) => unknown;
  clearTimeout?: (handle: unknown) => void;
  /** Page context (`context.page`) and default page properties. */
  page?: () => Properties;
  /** Static context: user agent, locale, screen, time zone. */
  context?: () => Properties;
}

/** Options of {@link init}. */
export interface Options {
  /** The source's write key (sent in the body: no Authorization header, no preflight). */
  writeKey: string;
  /** Footfall's base URL, e.g. `https://footfall.example.com`; default: the page's origin. */
  host?: string;
  /** Messages per request; a full batch is sent at once. Default 20. */
  batchSize?: number;
  /** Longest wait (ms) before a partial batch is sent. Default 1000. */
  flushInterval?: number;
  /** Request size limit in bytes (the server refuses over 512,000). Default 450,000. */
  maxBatchBytes?: number;
  /** Messages kept in the queue; beyond it the oldest are dropped. Default 1000. */
  maxQueue?: number;
  /** First retry delay (ms); doubles per failed attempt. Default 500. */
  minBackoff?: number;
  /** Longest retry delay (ms). Default 30,000. */
  maxBackoff?: number;
  /** Upper bound (ms) on a server's `Retry-After` (which otherwise replaces a shorter backoff). Default 60,000. */
  maxRetryAfter?: number;
  /** Messages older than this (ms) are dropped instead of sent. Default 7 days. */
  maxAge?: number;
  /** `pending`: hold everything in memory (nothing stored, nothing sent) until {@link Footfall.consent}. Default `granted`. */
  consent?: Consent;
  /** No identifiers: a random id per page load, nothing stored in cookies, no userId, IP masked. Default false. */
  anonymous?: boolean;
  /** Share of visitors (0..1, decided per anonymous id) whose events are sent. Default 1. */
  sampleRate?: number;
  /** First-party cookie for the anonymous id; `false` for localStorage only. */
  cookie?: false | { name?: string; domain?: string; days?: number };
  /** Key prefix in localStorage. Default `ff:`. */
  prefix?: string;
  /** Told about messages given up (refused by the server, too large, queue overflow, too old). */
  onDrop?: (reason: string, messageIds: string[], status?: number) => void;
  /** Replaces parts of the browser environment. */
  env?: Env;
}

/** The Segment e-commerce v2 events, by helper name. */
const ECOMMERCE = {
  productsSearched: 'Products Searched',
  productListViewed: 'Product List Viewed',
  productListFiltered: 'Product List Filtered',
  promotionViewed: 'Promotion Viewed',
  promotionClicked: 'Promotion Clicked',
  productClicked: 'Product Clicked',
  productViewed: 'Product Viewed',
  productAdded: 'Product Added',
  productRemoved: 'Product Removed',
  cartViewed: 'Cart Viewed',
  checkoutStarted: 'Checkout Started',
  checkoutStepViewed: 'Checkout Step Viewed',
  checkoutStepCompleted: 'Checkout Step Completed',
  paymentInfoEntered: 'Payment Info Entered',
  orderUpdated: 'Order Updated',
  orderCompleted: 'Order Completed',
  orderRefunded: 'Order Refunded',
  orderCancelled: 'Order Cancelled',
  couponEntered: 'Coupon Entered',
  couponApplied: 'Coupon Applied',
  couponDenied: 'Coupon Denied',
  couponRemoved: 'Coupon Removed',
  productAddedToWishlist: 'Product Added to Wishlist',
  productRemovedFromWishlist: 'Product Removed from Wishlist',
  wishlistProductAddedToCart: 'Wishlist Product Added to Cart',
  productShared: 'Product Shared',
  cartShared: 'Cart Shared',
  productReviewed: 'Product Reviewed',
} as const;

/** Names of the e-commerce helpers and the Segment v2 event each one tracks. */
export const ECOMMERCE_EVENTS: Readonly<Record<keyof typeof ECOMMERCE, string>> = ECOMMERCE;

/** One helper per Segment e-commerce v2 event: `productViewed(props)` is `track('Product Viewed', props)`. */
export type EcommerceHelpers = { [K in keyof typeof ECOMMERCE]: (properties?: Properties) => string | undefined };

/** Largest event the server accepts inside a batch. */
const MAX_EVENT_BYTES = 32000;
/** Browsers cap the bodies of keepalive requests and beacons in flight at 64 KiB. */
const BEACON_BYTES = 60000;
/** An event handed to sendBeacon is sent again by this page only after this long. */
const BEACON_GRACE = 10000;

interface Entry {
  m: Message;
  /** Enqueue order. */
  o: number;
  /** When it was handed to a beacon (this page only). */
  b?: number;
  /** In a request now. */
  f?: boolean;
}

const g: any = typeof globalThis !== 'undefined' ? globalThis : {};

function browserEnv(): Env {
  const w = g.window, d = g.document, n = g.navigator, loc = g.location;
  let storage: Env['storage'] = null;
  try {
    storage = w && w.localStorage;
  } catch {
    // blocked (third-party context, privacy mode): memory only
  }
  return {
    fetch: g.fetch && ((u, i) => g.fetch(u, i)),
    beacon: n && n.sendBeacon && ((u, b) => n.sendBeacon(u, new Blob([b], { type: 'text/plain' }))),
    storage,
    getCookies: () => (d ? d.cookie : ''),
    setCookie: c => { if (d) d.cookie = c; },
    on: (t, l) => (t === 'visibilitychange' ? d : w) && (t === 'visibilitychange' ? d : w).addEventListener(t, l),
    hidden: () => !!d && d.visibilityState === 'hidden',
    online: () => !n || n.onLine !== false,
    page: () => loc ? {
      path: loc.pathname, referrer: d ? d.referrer : '', search: loc.search,
      title: d ? d.title : '', url: loc.href,
    } : {},
    context: () => {
      const c: Properties = {};
      if (n) { c.userAgent = n.userAgent; c.locale = n.language; }
      if (g.screen) c.screen = { width: g.screen.width, height: g.screen.height };
      try { c.timezone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch { /* no Intl */ }
      return c;
    },
  };
}

function uuid(random: () => number): string {
  const c = g.crypto;
  if (c && c.randomUUID) return c.randomUUID();
  let s = '';
  for (let i = 0; i < 32; i++) {
    const r = c && c.getRandomValues ? c.getRandomValues(new Uint8Array(1))[0] & 15 : (random() * 16) | 0;
    s += (i === 12 ? 4 : i === 16 ? (r & 3) | 8 : r).toString(16) + (i === 7 || i === 11 || i === 15 || i === 19 ? '-' : '');
  }
  return s;
}

/** FNV-1a of a string, scaled to [0, 1): the same visitor always falls in or out of a sample. */
function unit(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return (h >>> 0) / 4294967296;
}

/** Bytes of a string in UTF-8. */
function bytes(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x7f) n += c > 0x7ff && (c < 0xd800 || c > 0xdfff) ? 2 : 1;
  }
  return n;
}

/** `Retry-After` in ms (seconds or an HTTP date), or null. */
function retryAfter(value: string | null, now: number): number | null {
  if (!value) return null;
  const s = Number(value);
  if (value.trim() !== '' && !isNaN(s)) return Math.max(0, s * 1000);
  const t = Date.parse(value);
  return isNaN(t) ? null : Math.max(0, t - now);
}

/**
 * A footfall.js client. Create it with {@link init}; one per page is enough.
 */
export class Footfall {
  private readonly o: Required<Omit<Options, 'env' | 'onDrop' | 'host' | 'cookie'>> & Pick<Options, 'onDrop'>;
  private readonly e: Required<Env>;
  private readonly url: string;
  private readonly cookie: false | { name: string; domain?: string; days: number };
  private queue: Entry[] = [];
  private held: Message[] = [];
  private state: Consent;
  private uid: string | null = null;
  private aid: string | null = null;
  private seq = 0;
  private timer: unknown = null;
  private due = 0;
  /** No request before this time (backoff, Retry-After). */
  private hold = 0;
  private attempts = 0;
  private inflight: Promise<void> | null = null;
  private persist: boolean;

  constructor(options: Options) {
    if (!options || typeof options.writeKey !== 'string' || !options.writeKey) throw new Error('footfall: writeKey is required');
    const o = options;
    this.o = {
      writeKey: o.writeKey,
      batchSize: o.batchSize || 20,
      flushInterval: o.flushInterval ?? 1000,
      maxBatchBytes: o.maxBatchBytes || 450000,
      maxQueue: o.maxQueue || 1000,
      minBackoff: o.minBackoff || 500,
      maxBackoff: o.maxBackoff || 30000,
      maxRetryAfter: o.maxRetryAfter || 60000,
      maxAge: o.maxAge || 7 * 864e5,
      consent: o.consent || 'granted',
      anonymous: !!o.anonymous,
      sampleRate: o.sampleRate ?? 1,
      prefix: o.prefix || 'ff:',
      onDrop: o.onDrop,
    };
    const b = browserEnv(), e: any = { ...b, ...o.env };
    e.now = e.now || Date.now;
    e.random = e.random || Math.random;
    e.uuid = e.uuid || (() => uuid(e.random));
    e.setTimeout = e.setTimeout || ((f: () => void, ms: number) => g.setTimeout(f, ms));
    e.clearTimeout = e.clearTimeout || ((h: unknown) => g.clearTimeout(h));
    e.page = e.page || (() => ({}));
    e.context = e.context || (() => ({}));
    e.online = e.online || (() => true);
    e.hidden = e.hidden || (() => false);
    e.on = e.on || (() => undefined);
    this.e = e;
    const host = (o.host ?? (g.location ? g.location.origin : '')).replace(/\/+$/, '');
    this.url = host + '/v1/batch';
    this.cookie = o.cookie === false || this.o.anonymous ? false
      : { name: (o.cookie && o.cookie.name) || 'ff_aid', domain: o.cookie && o.cookie.domain, days: (o.cookie && o.cookie.days) || 365 };
    this.state = this.o.consent;
    this.persist = this.state === 'granted';
    if (this.o.anonymous) this.aid = e.uuid();
    if (this.persist) this.restore();
    e.on('pagehide', () => this.beacon());
    e.on('visibilitychange', () => { if (e.hidden()) this.beacon(); });
    e.on('online', () => { this.attempts = 0; this.hold = 0; this.schedule(0); });
    this.schedule(0);
  }

  /** Records a custom event; returns its messageId, or undefined when it was not queued. */
  track(event: string, properties?: Properties): string | undefined {
    return this.add({ type: 'track', event, properties: properties || {} });
  }

  /**
   * Records a page view: `page()`, `page(name, properties?)` or `page(category, name, properties?)`.
   * Properties default to the page's path, url, referrer, search and title.
   */
  page(category?: string | Properties, name?: string | Properties, properties?: Properties): string | undefined {
    if (typeof category === 'object') { properties = category; category = name = undefined; }
    else if (typeof name !== 'string') { properties = name; name = category; category = undefined; }
    const m: Partial<Message> = { type: 'page', properties: { ...this.e.page(), ...properties } };
    if (name) { m.name = name; m.properties!.name = name; }
    if (category) { m.category = category; m.properties!.category = category; }
    return this.add(m);
  }

  /** Ties later events to `userId` (kept in localStorage) and records traits. Ignored in anonymous mode. */
  identify(userId?: string | Properties | null, traits?: Properties): string | undefined {
    if (typeof userId === 'object' && userId !== null) { traits = userId; userId = undefined; }
    if (this.o.anonymous) return undefined;
    if (userId != null && userId !== '') {
      this.uid = String(userId);
      this.store('uid', this.uid);
    }
    return this.add({ type: 'identify', traits: traits || {} });
  }

  /** Links `previousId` (default: the current user id or anonymous id) to `userId`. Ignored in anonymous mode. */
  alias(userId: string, previousId?: string): string | undefined {
    if (this.o.anonymous) return undefined;
    const prev = previousId || this.uid || this.anonymousId();
    return this.add({ type: 'alias', previousId: prev, userId: String(userId) });
  }

  /** Forgets the user (log-out): clears the user id and starts a new anonymous id. Queued events keep their ids. */
  reset(): void {
    this.uid = null;
    this.aid = this.o.anonymous ? this.e.uuid() : null;
    this.drop('uid');
    this.drop('aid');
    if (this.cookie) this.writeCookie('', -1);
  }

  /** Grants or refuses consent. Granting stores and sends what was held; refusing discards it and stored ids. */
  consent(state: 'granted' | 'denied'): void {
    if (state === 'denied') {
      this.state = 'denied';
      this.held = [];
      this.persist = false;
      this.queue = [];
      const st = this.e.storage, p = this.o.prefix + 'q:';
      try {
        const keys: string[] = [];
        for (let i = 0; st && i < st.length; i++) { const k = st.key(i); if (k && k.indexOf(p) === 0) keys.push(k); }
        keys.forEach(k => st!.removeItem(k));
      } catch { /* storage unavailable: nothing stored */ }
      this.drop('uid');
      this.drop('aid');
      if (this.cookie) this.writeCookie('', -1);
      this.uid = null;
      return;
    }
    const first = this.state !== 'granted';
    this.state = 'granted';
    this.persist = true;
    if (first) {
      const uid = this.uid;
      this.restore();
      if (uid) { this.uid = uid; this.store('uid', uid); }
      const held = this.held;
      this.held = [];
      for (const m of held) this.admit(m);
      this.schedule(0);
    }
  }

  /** The ids events are sent with now. */
  user(): { userId: string | null; anonymousId: string | null } {
    return { userId: this.o.anonymous ? null : this.uid, anonymousId: this.state === 'granted' ? this.anonymousId() : null };
  }

  /** Messages not yet acknowledged by the server (queued or in a request). */
  pending(): number {
    return this.queue.length + this.held.length;
  }

  /** Sends what is due now; resolves when the request (if any) has been answered or failed. */
  flush(): Promise<void> {
    if (this.inflight) return this.inflight;
    this.stop();
    return this.send();
  }

  // ---- queueing ----

  private add(partial: Partial<Message>): string | undefined {
    if (this.state === 'denied') return undefined;
    const m = partial as Message;
    m.messageId = this.e.uuid();
    m.timestamp = new Date(this.e.now()).toISOString();
    m.context = { ...this.e.context(), page: this.e.page(), library: { name: 'footfall.js', version: VERSION } };
    if (this.o.anonymous) m.context.ip = '0.0.0.0';
    if (!this.o.anonymous && this.uid && !m.userId) m.userId = this.uid;
    if (this.state === 'pending') {
      if (this.held.length >= this.o.maxQueue) this.held.shift();
      this.held.push(m);
      return m.messageId;
    }
    return this.admit(m) ? m.messageId : undefined;
  }

  /** Completes a message with the anonymous id, samples it, and queues it. */
  private admit(m: Message): boolean {
    m.anonymousId = this.anonymousId();
    if (this.o.sampleRate < 1 && unit(m.anonymousId) >= this.o.sampleRate) return false;
    const json = JSON.stringify(m);
    if (bytes(json) > MAX_EVENT_BYTES) {
      this.dropped('too_large', [m.messageId]);
      return false;
    }
    const entry: Entry = { m, o: this.e.now() * 1000 + (this.seq++ % 1000) };
    this.queue.push(entry);
    this.save(entry);
    const oldest = this.queue.length > this.o.maxQueue ? this.queue.findIndex(q => !q.f) : -1;
    if (oldest >= 0) {
      const old = this.queue.splice(oldest, 1)[0];
      this.drop('q:' + old.m.messageId);
      this.dropped('queue_full', [old.m.messageId]);
    }
    this.schedule(this.ready().length >= this.o.batchSize ? 0 : this.o.flushInterval);
    return true;
  }

  private anonymousId(): string {
    if (this.aid) return this.aid;
    let id = this.cookie ? this.readCookie() : null;
    id = id || this.load('aid') || this.e.uuid();
    this.aid = id;
    this.store('aid', id);
    if (this.cookie) this.writeCookie(id, this.cookie.days);
    return id;
  }

  // ---- sending ----

  /** Entries a request may take now. */
  private ready(): Entry[] {
    const now = this.e.now();
    return this.queue.filter(q => !q.f && !(q.b && now - q.b < BEACON_GRACE));
  }

  private stop(): void {
    if (this.timer != null) this.e.clearTimeout(this.timer);
    this.timer = null;
  }

  /** Arranges a send in `ms` unless one is already due sooner. */
  private schedule(ms: number): void {
    if (this.state !== 'granted' || this.inflight || !this.queue.length) return;
    const now = this.e.now(), at = Math.max(now + ms, this.hold);
    if (this.timer != null && this.due <= at) return;
    this.stop();
    this.due = at;
    this.timer = this.e.setTimeout(() => { this.timer = null; this.send(); }, at - now);
  }

  private async send(): Promise<void> {
    if (this.state !== 'granted' || this.inflight) return;
    const now = this.e.now();
    const expired = this.queue.filter(q => !q.f && now - Date.parse(q.m.timestamp) > this.o.maxAge);
    if (expired.length) this.settle(expired, 'expired');
    const ready = this.ready();
    if (!ready.length) {
      const next = this.queue.filter(q => q.b).map(q => q.b! + BEACON_GRACE - now);
      if (next.length) this.schedule(Math.max(0, Math.min(...next)));
      return;
    }
    if (!this.e.online() || !this.e.fetch) {
      this.schedule(Math.min(this.o.maxBackoff, 5000));
      return;
    }
    const batch = this.cut(ready, this.o.maxBatchBytes - 200, this.o.batchSize);
    const body = this.body(batch);
    batch.forEach(q => (q.f = true));
    let release: () => void = () => undefined;
    this.inflight = new Promise(r => (release = r));
    let wait: number | null = null;
    try {
      const res = await this.e.fetch(this.url, {
        method: 'POST', body, headers: { 'Content-Type': 'text/plain' },
        keepalive: bytes(body) < BEACON_BYTES, credentials: 'omit',
      });
      if (res.status < 300) {
        this.settle(batch);
      } else if (res.status !== 429 && res.status < 500 && res.status >= 400) {
        this.settle(batch, 'rejected', res.status);
      } else {
        // Retry-After (capped) is a floor: a server answering "0" forever must not cause a busy loop
        const ra = retryAfter(res.headers.get('Retry-After'), this.e.now());
        wait = Math.max(this.backoff(), ra == null ? 0 : Math.min(ra, this.o.maxRetryAfter));
      }
    } catch {
      wait = this.backoff();
    }
    batch.forEach(q => (q.f = false));
    if (wait == null) this.attempts = 0;
    else this.hold = this.e.now() + wait;
    this.inflight = null;
    release();
    this.schedule(wait ?? (this.ready().length >= this.o.batchSize ? 0 : this.o.flushInterval));
  }

  /** Exponential backoff with jitter: a delay drawn from [d/2, d], d doubling up to maxBackoff. */
  private backoff(): number {
    const d = Math.min(this.o.maxBackoff, this.o.minBackoff * Math.pow(2, this.attempts++));
    return d / 2 + this.e.random() * (d / 2);
  }

  /** The first entries (in order) that fit in `limit` bytes and `count` messages. */
  private cut(entries: Entry[], limit: number, count: number): Entry[] {
    const out: Entry[] = [];
    let size = 0;
    for (const q of entries) {
      const n = bytes(JSON.stringify(q.m)) + 1;
      if (out.length >= count || (out.length && size + n > limit)) break;
      out.push(q);
      size += n;
    }
    return out;
  }

  private body(batch: Entry[]): string {
    return JSON.stringify({ batch: batch.map(q => q.m), sentAt: new Date(this.e.now()).toISOString(), writeKey: this.o.writeKey });
  }

  /** Removes entries from the queue and storage (acknowledged, or given up with a reason). */
  private settle(entries: Entry[], reason?: string, status?: number): void {
    const ids = entries.map(q => q.m.messageId);
    this.queue = this.queue.filter(q => entries.indexOf(q) < 0);
    ids.forEach(id => this.drop('q:' + id));
    if (reason) this.dropped(reason, ids, status);
  }

  private dropped(reason: string, ids: string[], status?: number): void {
    try { if (this.o.onDrop) this.o.onDrop(reason, ids, status); } catch { /* the page's handler must not break sending */ }
  }

  /**
   * The page is going away (or hidden): hands everything unacknowledged to sendBeacon (or a keepalive
   * fetch) in bodies under 64 KB. The messages stay queued and stored: if the beacon never arrived,
   * the next page sends them again, and the server recognises those that did arrive by messageId.
   */
  private beacon(): void {
    if (this.state !== 'granted') return;
    const now = this.e.now();
    let rest = this.queue.filter(q => !(q.b && now - q.b < BEACON_GRACE));
    while (rest.length) {
      const part = this.cut(rest, BEACON_BYTES - 200, 1000);
      rest = rest.slice(part.length);
      const body = this.body(part);
      if (bytes(body) > BEACON_BYTES) continue;
      let ok = false;
      try { ok = !!this.e.beacon && this.e.beacon(this.url, body); } catch { /* fall back to fetch */ }
      if (!ok && this.e.fetch) {
        try {
          this.e.fetch(this.url, { method: 'POST', body, headers: { 'Content-Type': 'text/plain' }, keepalive: true, credentials: 'omit' })
            .then(r => { if (r.status < 300) this.settle(part); }, () => undefined);
          ok = true;
        } catch { /* nothing else to try: the next page sends them */ }
      }
      if (ok) part.forEach(q => { q.b = now; this.save(q); });
    }
  }

  // ---- storage ----

  private restore(): void {
    const s = this.e.storage, p = this.o.prefix + 'q:';
    if (!s) return;
    try {
      this.uid = this.o.anonymous ? null : this.load('uid');
      const known = new Set(this.queue.map(q => q.m.messageId));
      for (let i = 0; i < s.length; i++) {
        const k = s.key(i);
        if (!k || k.indexOf(p) !== 0 || known.has(k.slice(p.length))) continue;
        try {
          const q = JSON.parse(s.getItem(k) || '') as Entry;
          if (q && q.m && q.m.messageId) { delete q.b; delete q.f; this.queue.push(q); }
        } catch { /* a damaged entry is skipped */ }
      }
      this.queue.sort((a, b) => a.o - b.o);
    } catch { /* storage unavailable: memory only */ }
  }

  private save(q: Entry): void {
    if (!this.persist) return;
    this.store('q:' + q.m.messageId, JSON.stringify({ m: q.m, o: q.o }));
  }

  private store(key: string, value: string): void {
    if (!this.persist || !this.e.storage) return;
    try { this.e.storage.setItem(this.o.prefix + key, value); } catch { /* full or blocked: memory only */ }
  }

  private load(key: string): string | null {
    if (!this.persist || !this.e.storage) return null;
    try { return this.e.storage.getItem(this.o.prefix + key); } catch { return null; }
  }

  private drop(key: string): void {
    try { if (this.e.storage) this.e.storage.removeItem(this.o.prefix + key); } catch { /* nothing to do */ }
  }

  private readCookie(): string | null {
    if (!this.cookie || !this.persist) return null;
    const name = this.cookie.name + '=';
    for (const c of this.e.getCookies().split(/;\s*/)) {
      if (c.indexOf(name) === 0) return decodeURIComponent(c.slice(name.length)) || null;
    }
    return null;
  }

  private writeCookie(value: string, days: number): void {
    if (!this.cookie || (!this.persist && days > 0)) return;
    const c = this.cookie;
    this.e.setCookie(c.name + '=' + encodeURIComponent(value) + '; Max-Age=' + Math.round(days * 86400)
      + '; Path=/; SameSite=Lax' + (c.domain ? '; Domain=' + c.domain : '')
      + (g.location && g.location.protocol === 'https:' ? '; Secure' : ''));
  }
}

// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface Footfall extends EcommerceHelpers {}

for (const k of Object.keys(ECOMMERCE) as (keyof typeof ECOMMERCE)[]) {
  (Footfall.prototype as any)[k] = function (this: Footfall, properties?: Properties) {
    return this.track(ECOMMERCE[k], properties);
  };
}

/** Creates a client: `const footfall = init({ writeKey: 'KEY', host: 'https://footfall.example.com' })`. */
export function init(options: Options): Footfall {
  return new Footfall(options);
}

/**
 * Replays what the asynchronous snippet (docs/sdk-js.md) queued before this bundle loaded: `queue` holds
 * `[method, ...args]` entries. Its first `init` creates the client; every other call is then made on that
 * client, in the order the page made it. Returns the client, which the UMD bundle puts in place of the
 * snippet's queue, or undefined when nothing was initialised.
 */
export function fromSnippet(queue: unknown[][]): Footfall | undefined {
  const at = queue.findIndex(c => c && c[0] === 'init');
  if (at < 0) return undefined;
  const ff: any = init(queue[at][1] as Options);
  queue.forEach((c, i) => {
    if (i !== at && c && typeof ff[c[0] as string] === 'function') ff[c[0] as string](...c.slice(1));
  });
  return ff;
}
