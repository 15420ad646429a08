// Builds dist/: the ESM bundle, the minified UMD bundle (global `footfall`), the type declarations,
// and fails when a bundle is over the size budget (10 KB gzipped).
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { checkSizes } from './check-size.mjs';

rmSync('dist', { recursive: true, force: true });
const common = { entryPoints: ['src/footfall.ts'], bundle: true, target: 'es2019', legalComments: 'none', logLevel: 'warning' };

await build({ ...common, format: 'esm', outfile: 'dist/footfall.mjs' });

// UMD: an IIFE whose namespace is returned to a small UMD wrapper (CommonJS, AMD, or the global `footfall`).
await build({
  ...common,
  format: 'iife',
  globalName: '__footfall',
  minify: true,
  outfile: 'dist/footfall.umd.js',
  banner: { js: '(function(g,f){typeof exports=="object"&&typeof module!="undefined"?module.exports=f():typeof define=="function"&&define.amd?define(f):(g=typeof globalThis!="undefined"?globalThis:g||self,g.footfall=f())})(this,function(){' },
  // loaded by the asynchronous snippet: replay its queue, and the global becomes the client it initialised
  footer: { js: 'var q=typeof globalThis!="undefined"&&globalThis.footfall;return Array.isArray(q)&&__footfall.fromSnippet(q)||__footfall});' },
});

execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', '.'], { stdio: 'inherit' });

checkSizes();
