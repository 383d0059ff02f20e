// Browser test of the dashboard in Debian's chromium (driven by playwright-core): opens every page on a
// served world, checks that the numbers shown equal the API's, uses the pickers and the language switch,
// checks on every page that no raw JSON key of the API's answers shows through (Chinese, then English),
// and saves a screenshot of every page. Usage: node dashboard_test.mjs BASE_URL READ_KEY BRAND OUT_DIR DECO_KEY
import { chromium } from '../../web/node_modules/playwright-core/index.mjs';
import { mkdirSync } from 'node:fs';

const [base, key, brand, out, decoKey] = process.argv.slice(2);
mkdirSync(out, { recursive: true });
const api = async (path) => {
  const res = await fetch(`${base}/api/v1/${path}`, { headers: { Authorization: `Bearer ${key}` } });
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return res.json();
};
const fmt = (n) => Number(n).toLocaleString('en-US');
let failures = 0;
const check = (what, got, want) => {
  if (String(got).trim() !== String(want).trim()) { failures++; console.log(`FAIL ${what}: page shows '${got}', API says '${want}'`); }
  else console.log(`ok   ${what}: ${want}`);
};

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
const errors = [];
page.on('pageerror', (e) => errors.push(String(e)));
const ready = async () => page.waitForSelector('[data-testid=page][data-ready=true]', { timeout: 20000 });
const text = async (id) => (await page.textContent(`[data-testid="${id}"]`)) ?? '';

// Raw keys. Every JSON answer the page fetches is parsed here too; its object keys, and the values of the
// fields that name a key (a /compare measure such as `A+_penetration`, a consultation group), that look
// like code — snake_case with an underscore, or one of the listed words — must never show as a whole token
// in the page's text: its visible text (document.body.innerText) plus the text of its charts (SVG).
// Portrait tags must not show as `kind:value`. (Data such as brand, category or campaign ids may show.)
const LISTED = ['total', 'new', 'lost', 'fell_back', 'within_30s', 'no_reply', 'tag', 'note'];
const KEY_VALUED = new Set(['measure', 'group']);
const SNAKE = /^[A-Za-z0-9+]+(?:_[A-Za-z0-9+]+)+$/;
const RAW_TAG = /(?:^|[^A-Za-z0-9_])((?:segment|gender|age|city):\S*)/;
const rawKeys = new Set(LISTED);
const reading = [];
const collectKeys = (v) => {
  if (Array.isArray(v)) v.forEach(collectKeys);
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      if (SNAKE.test(k)) rawKeys.add(k);
      if (KEY_VALUED.has(k) && typeof x === 'string' && (SNAKE.test(x) || /^[a-z]+$/.test(x))) rawKeys.add(x);
      collectKeys(x);
    }
  }
};
page.on('response', (res) => {
  if (!res.url().includes('/api/v1/') || !(res.headers()['content-type'] ?? '').includes('json')) return;
  reading.push(res.json().then(collectKeys, () => {}));
});
const shownText = () => page.evaluate(() => [document.body.innerText,
  ...[...document.querySelectorAll('#page svg text')].map((e) => e.textContent)].join('\n'));
// LANG zh checks every raw key; en skips the listed plain words, which are English words there too.
const noRawKeys = async (where, lang = 'zh') => {
  await Promise.all(reading);
  const shown = await shownText();
  const tokens = new Set(shown.split(/[^A-Za-z0-9_+-]+/)); // ids such as hd-staff-1 stay one token
  const leaks = [...rawKeys].filter((k) => tokens.has(k) && (lang === 'zh' || !LISTED.includes(k) || SNAKE.test(k)));
  const tag = shown.match(RAW_TAG);
  if (tag) leaks.push(tag[1]);
  if (!leaks.length) console.log(`ok   ${where} (${lang}): none of ${rawKeys.size} raw keys shown`);
  else { failures++; console.log(`FAIL ${where} (${lang}): raw keys shown: ${leaks.join(', ')}`); }
};

try {
  // 1. Without a key the page asks for one.
  await page.goto(`${base}/`);
  await page.waitForSelector('#login:not([hidden])');
  check('asks for a key', await page.isVisible('#keyinput'), true);

  // 2. A link with the key opens straight onto the data.
  const me = await api('me');
  await page.goto(`${base}/#key=${key}&brand=${brand}`);
  await ready();
  const st = await api(`stages?brand=${brand}&date=${me.last_day}`);
  for (const s of ['A', 'I', 'TI', 'P', 'S']) check(`overview ${s}`, await text(`value-${s}`), fmt(st.stages[s]));
  check('overview total', await text('value-total'), fmt(st.total));
  await noRawKeys('overview');
  await page.screenshot({ path: `${out}/overview.png`, fullPage: true });

  // 3. Pickers: an SPU and an earlier date.
  const info = await api('info');
  const spu = info.brands.find((b) => b.brand === brand).spus[0];
  await page.selectOption('[data-testid=spu-picker]', spu);
  await ready();
  const earlier = new Date(Date.parse(me.last_day) - 10 * 86400000).toISOString().slice(0, 10);
  await page.fill('[data-testid=date-picker]', earlier);
  await page.dispatchEvent('[data-testid=date-picker]', 'change');
  await ready();
  const sp = await api(`stages?brand=${brand}&spu=${spu}&date=${earlier}`);
  check(`SPU ${spu} on ${earlier} total`, await text('value-total'), fmt(sp.total));
  check('URL carries the view', page.url().includes(`spu=${spu}`) && page.url().includes(`date=${earlier}`), true);
  await page.selectOption('[data-testid=spu-picker]', '');
  await ready();

  // 4. Every other page.
  await page.click('[data-testid=tab-flow]');
  await ready();
  const from = new Date(Date.parse(earlier) - 30 * 86400000).toISOString().slice(0, 10);
  const fl = await api(`flow?brand=${brand}&from=${from}&to=${earlier}`);
  for (const k of ['new', 'lost', 'deepened', 'fell_back']) check(`flow ${k}`, await text(`value-${k}`), fmt(fl[k]));
  check('flow A->I cell', await text('cell-A-I'), fmt(fl.matrix.A.I));
  check('flow: the lost card\'s label', await page.locator('.card:has([data-testid=value-lost]) .label').textContent(), '流失');
  // The Sankey keeps the stage order top to bottom, the first day's column left of the second day's.
  const nodes = await page.evaluate(() => {
    const data = echarts.getInstanceByDom(document.getElementById('sankey')).getModel().getSeriesByIndex(0).getData();
    return Array.from({ length: data.count() }, (_, i) => ({ name: data.getName(i), ...data.getItemLayout(i) }));
  });
  const column = (side) => nodes.filter((n) => n.name.startsWith(side)).sort((a, b) => a.y - b.y);
  const order = ['none', 'A', 'I', 'TI', 'P', 'S'];
  check('flow: Sankey order, first day', column('from:').map((n) => n.name.slice(5)).join(' '), order.join(' '));
  check('flow: Sankey order, second day', column('to:').map((n) => n.name.slice(3)).join(' '), order.join(' '));
  check('flow: Sankey columns', Math.max(...column('from:').map((n) => n.x)) < Math.min(...column('to:').map((n) => n.x)), true);
  await noRawKeys('flow');
  await page.screenshot({ path: `${out}/flow.png`, fullPage: true });

  await page.click('[data-testid=tab-spus]');
  await ready();
  const spuStages = await api(`stages?brand=${brand}&spu=${spu}&date=${earlier}`);
  check(`SPU table ${spu}`, await text(`spu-total-${spu}`), fmt(spuStages.total));
  await noRawKeys('spus');
  await page.screenshot({ path: `${out}/spus.png`, fullPage: true });

  await page.click('[data-testid=tab-penetration]');
  await ready();
  const pen = await api(`penetration?brand=${brand}&date=${earlier}`);
  check('category crowd', await text('value-category_crowd'), fmt(pen.category_crowd));
  await noRawKeys('penetration');
  await page.screenshot({ path: `${out}/penetration.png`, fullPage: true });

  await page.click('[data-testid=tab-campaigns]');
  await ready();
  const camps = await api(`campaigns?brand=${brand}`);
  for (const c of camps.campaigns) {
    check(`campaign ${c.campaign} CPI`, await text(`cpi-${c.campaign}`),
      c.cpi === null ? '—' : Number(c.cpi).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }));
    check(`campaign ${c.campaign} ROI`, (await text(`roi-${c.campaign}`)).split(' ')[0], c.roi === null ? '—' : c.roi.toFixed(2));
  }
  await noRawKeys('campaigns');
  await page.screenshot({ path: `${out}/campaigns.png`, fullPage: true });

  await page.click('[data-testid=tab-crowds]');
  await ready();
  await page.waitForFunction(() => document.querySelector('[data-testid=crowd-count]').textContent !== '—');
  const expr = await page.inputValue('[data-testid=crowd-expr]');
  const cc = await api(`crowd/count?expr=${encodeURIComponent(expr)}`);
  check('crowd builder live count (re-delivery preset)', await text('crowd-count'), fmt(cc.count));
  await page.locator('[data-testid=portrait] table').waitFor({ timeout: 20000 });
  await noRawKeys('crowds');
  await page.screenshot({ path: `${out}/crowds.png`, fullPage: true });

  await page.click('[data-testid=tab-firstparty]');
  await ready();
  const fp = await api(`firstparty?brand=${brand}`);
  check('first-party matched orders', await text('value-matched'), fmt(fp.matched_orders));
  await noRawKeys('firstparty');
  await page.screenshot({ path: `${out}/firstparty.png`, fullPage: true });

  await page.click('[data-testid=tab-aurora]');
  await ready();
  const au = await api(`aurora?brand=${brand}&date=${earlier}`);
  const mine = au.brands.find((b) => b.brand === brand);
  check('Aurora composite', await text(`composite-${brand}`), mine.composite.toFixed(1));
  await noRawKeys('aurora');
  await page.screenshot({ path: `${out}/aurora.png`, fullPage: true });

  await page.click('[data-testid=tab-topics]');
  await ready();
  const category = (await api('info')).brands.find((b) => b.brand === brand).category;
  const tp = await api(`topics?category=${category}&brand=${brand}&to=${earlier}`);
  check('topics: one row per topic', await page.locator('[data-testid=topic-row]').count(), tp.topics.length);
  check('topics: the first topic\'s engagements', (await page.locator('[data-testid=topic-engagements]').first().textContent()).trim(), fmt(tp.topics[0].engagements));
  await noRawKeys('topics');
  await page.screenshot({ path: `${out}/topics.png`, fullPage: true });

  await page.click('[data-testid=tab-consult]');
  await ready();
  check('consult: a tenant without accounts sees an empty state', await page.isVisible('[data-testid=consult-empty]'), true);
  await noRawKeys('consult (no accounts)');
  // The home-decoration merchant's key sees its accounts and groups.
  await page.goto(`${base}/#key=${decoKey}&page=consult&date=${earlier}`);
  // Only the fragment changes, so the old (empty) page stays "ready" until the new one renders: wait for rows.
  await page.locator('[data-testid=consult-row]').first().waitFor({ timeout: 20000 });
  await ready();
  const deco = await (await fetch(`${base}/api/v1/consult?to=${earlier}`, { headers: { Authorization: `Bearer ${decoKey}` } })).json();
  check('consult: one row per account and group', await page.locator('[data-testid=consult-row]').count(), deco.accounts.length + deco.groups.length);
  check('consult: 30-second reply rate', (await page.locator('[data-testid=reply30]').first().textContent()).trim(), (100 * deco.accounts[0].reply_30s_rate).toFixed(1) + '%');
  await noRawKeys('consult');
  await page.screenshot({ path: `${out}/consult.png`, fullPage: true });
  await page.goto(`${base}/#key=${key}&brand=${brand}&page=aurora&date=${earlier}`);
  await page.locator(`[data-testid=composite-${brand}]`).waitFor({ timeout: 20000 });
  await ready();

  // 5. Language switch.
  await page.click('[data-testid=lang]');
  await ready();
  check('English tab label', await text('tab-aurora'), 'Aurora');
  await page.screenshot({ path: `${out}/aurora-en.png`, fullPage: true });
  for (const p of ['overview', 'flow', 'spus', 'penetration', 'campaigns', 'crowds', 'firstparty', 'aurora', 'topics']) {
    await page.click(`[data-testid=tab-${p}]`);
    await ready();
    if (p === 'crowds') await page.locator('[data-testid=portrait] table').waitFor({ timeout: 20000 });
    await noRawKeys(p, 'en');
  }
  await page.goto(`${base}/#key=${decoKey}&page=consult&date=${earlier}&lang=en`);
  await page.locator('[data-testid=consult-row]').first().waitFor({ timeout: 20000 });
  await ready();
  await noRawKeys('consult', 'en');
  await page.screenshot({ path: `${out}/consult-en.png`, fullPage: true });

  // 6. An unknown brand in a shared link gives an error state, not a blank page.
  await page.goto(`${base}/#key=${key}&brand=${brand}&page=overview&spu=no-such-spu`);
  await ready();
  check('no page errors', errors.length, 0);
} catch (e) {
  failures++;
  console.log(`FAIL ${e.stack}`);
  await page.screenshot({ path: `${out}/failure.png`, fullPage: true }).catch(() => {});
}
await browser.close();
console.log(failures ? `${failures} dashboard check(s) failed` : `dashboard: every check passed; screenshots in ${out}`);
process.exit(failures ? 1 : 0);
