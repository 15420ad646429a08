// The size budget of footfall.js: every bundle in dist/ must stay at or under 10 KB (10,240 bytes) gzipped.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

export const BUDGET = 10 * 1024;
export const BUNDLES = ['dist/footfall.mjs', 'dist/footfall.umd.js'];

/** Gzipped size (level 9) of each bundle; throws when one is over the budget. */
export function checkSizes() {
  const sizes = {};
  for (const file of BUNDLES) {
    const raw = readFileSync(file);
    const gz = gzipSync(raw, { level: 9 }).length;
    sizes[file] = gz;
    console.log(`${file}: ${raw.length} bytes, ${gz} bytes gzipped (budget ${BUDGET})`);
    if (gz > BUDGET) {
      throw new Error(`${file} is ${gz} bytes gzipped, over the budget of ${BUDGET}`);
    }
  }
  return sizes;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    checkSizes();
  } catch (e) {
    console.error(e.message);
    process.exit(1);
  }
}
