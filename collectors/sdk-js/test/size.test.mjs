// The size budget is part of the build; this checks the built bundles too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BUDGET, checkSizes } from '../scripts/check-size.mjs';

test('every bundle is at most 10 KB gzipped', () => {
  const sizes = checkSizes();
  assert.equal(Object.keys(sizes).length, 2);
  for (const [file, size] of Object.entries(sizes)) assert.ok(size > 1000 && size <= BUDGET, `${file}: ${size}`);
});
