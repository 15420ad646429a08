// Sends a small session with the unmodified @segment/analytics-node client to FOOTFALL_HOST.
const { Analytics } = require('@segment/analytics-node');

const userId = process.env.USER_ID;
const anonymousId = process.env.ANONYMOUS_ID;
const analytics = new Analytics({
  writeKey: process.env.WRITE_KEY,
  host: process.env.FOOTFALL_HOST,
  flushAt: 4,
  flushInterval: 200,
  maxRetries: 1,
});
let failed = false;
analytics.on('error', (err) => { failed = true; console.error('analytics-node error:', err && (err.reason || err.message || err)); });
analytics.on('http_request', (req) => console.log(req.method, req.url));

analytics.page({ anonymousId, name: 'Home', properties: { path: '/', url: 'https://shop.example.com/' } });
analytics.track({ anonymousId, event: 'Product Viewed', properties: { product_id: 'p-7', category: 'Garden', price: 19.5, currency: 'EUR' } });
analytics.identify({ userId, anonymousId, traits: { email: `${userId}@example.test`, plan: 'basic' } });
analytics.track({ userId, anonymousId, event: 'Order Completed',
  properties: { order_id: `o-${userId}`, revenue: 19.5, currency: 'EUR', products: [{ product_id: 'p-7', category: 'Garden', price: 19.5, quantity: 1 }] } });
analytics.alias({ userId, previousId: anonymousId });

analytics.closeAndFlush({ timeout: 20000 }).then(() => process.exit(failed ? 1 : 0));
