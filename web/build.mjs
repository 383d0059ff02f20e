// Builds web/dist: the page, its script and style, and ECharts from node_modules. `aips` embeds dist at
// build time (cmake/embed_assets.py), so the binary serves the dashboard with nothing else installed.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, 'dist');
mkdirSync(dist, { recursive: true });
copyFileSync(join(here, 'src', 'index.html'), join(dist, 'index.html'));
copyFileSync(join(here, 'src', 'app.css'), join(dist, 'app.css'));
copyFileSync(join(here, 'node_modules', 'echarts', 'dist', 'echarts.min.js'), join(dist, 'echarts.min.js'));
// The script is plain ES2020; the build only stamps the ECharts version into it.
const echartsVersion = JSON.parse(readFileSync(join(here, 'node_modules', 'echarts', 'package.json'))).version;
const app = readFileSync(join(here, 'src', 'app.js'), 'utf8').replace('__ECHARTS_VERSION__', echartsVersion);
writeFileSync(join(dist, 'app.js'), app);
console.log(`web/dist built (ECharts ${echartsVersion})`);
