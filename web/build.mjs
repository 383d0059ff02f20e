// Builds web/dist: the page, its style, ECharts from node_modules, and app.js, the bundle of src/main.js
// and the modules it imports (src/core/*, src/pages/*) made by esbuild (a devDependency, installed by
// `npm ci` like everything else: the build downloads nothing). `aips` embeds dist at build time
// (cmake/embed_assets.py), so the binary serves the dashboard with nothing else installed.
// Any esbuild warning (e.g. a translation key defined twice) fails the build.
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, 'dist');
mkdirSync(dist, { recursive: true });
copyFileSync(join(here, 'src', 'index.html'), join(dist, 'index.html'));
copyFileSync(join(here, 'src', 'app.css'), join(dist, 'app.css'));
copyFileSync(join(here, 'node_modules', 'echarts', 'dist', 'echarts.min.js'), join(dist, 'echarts.min.js'));

const echartsPackage = join(here, 'node_modules', 'echarts', 'package.json');
const echartsVersion = JSON.parse(readFileSync(echartsPackage)).version;
const result = await build({
  entryPoints: [join(here, 'src', 'main.js')],
  outfile: join(dist, 'app.js'),
  bundle: true,
  format: 'iife',
  target: 'es2020',
  charset: 'utf8',
  legalComments: 'none',
  logLevel: 'warning',
  banner: {
    js: `// The aips dashboard (ECharts ${echartsVersion}), bundled from web/src by esbuild.\n` +
      "'use strict';",
  },
});
if (result.warnings.length) {
  console.error(`web/build.mjs: ${result.warnings.length} esbuild warning(s); fix them`);
  process.exit(1);
}
console.log(`web/dist built (ECharts ${echartsVersion})`);
