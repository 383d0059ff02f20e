// Browser test of the dashboard in Debian's chromium (driven by playwright-core), on a served world:
//  1. defaults: every page opened without a date shows the numbers of the API asked without one, the
//     API's answer equals the CLI's (`aips COMMAND --data DIR --json`), and the page's requests carry no
//     date, from or to that nobody chose (the server's defaults, the CLI's, decide);
//  2. the pickers (an SPU, an earlier date): every page's numbers equal the API's for that day;
//  3. trust: the explanations where two figures differ, lower/higher-is-better on the benchmark, the
//     no-data message, the notice for a brand outside the key's tenant, where a trend's data begins,
//     partial weeks, the competitor of the same category;
//  4. no raw JSON key of the answers shows through (Chinese, then English); a screenshot of every page.
// Usage: node dashboard_test.mjs BASE_URL READ_KEY BRAND OUT_DIR DECO_KEY AIPS DATA_DIR|ENGINE_URL ADMIN_KEY
// With a clickhouse:// URL (a server started with `aips serve --engine URL`) the CLI answers are `aips ...
// --engine URL`; every page must then answer as over a data directory.
import { chromium } from '../../web/node_modules/playwright-core/index.mjs';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';

const [base, key, brand, out, decoKey, aips, dataDir, adminKey] = process.argv.slice(2);
mkdirSync(out, { recursive: true });
const where = dataDir.startsWith('clickhouse://') ? ['--engine', dataDir] : ['--data', dataDir];
const apiAs = async (k, path) => {
  const res = await fetch(`${base}/api/v1/${path}`, { headers: { Authorization: `Bearer ${k}` } });
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return res.json();
};
const api = (path) => apiAs(key, path);
// The CLI's answer to the same question: `aips ARGS --data DIR --json` (or --engine URL).
const cli = (...args) => JSON.parse(execFileSync(aips, [...args, ...where, '--json'], { encoding: 'utf8' }));
const fmt = (n) => Number(n).toLocaleString('en-US');
const money = (n) => (n === null ? '—'
  : Number(n).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }));
const pct = (x) => (x === null ? '—' : (100 * x).toFixed(1) + '%');
const addDays = (day, n) => new Date(Date.parse(day) + n * 86400000).toISOString().slice(0, 10);
const STAGES = ['A', 'I', 'TI', 'P', 'S'];
const COUNTS = ['new', 'lost', 'deepened', 'fell_back'];

let failures = 0;
const check = (what, got, want) => {
  if (String(got).trim() === String(want).trim()) { console.log(`ok   ${what}: ${want}`); return; }
  failures++;
  console.log(`FAIL ${what}: page shows '${got}', API says '${want}'`);
};
// Two JSON answers are the same document (the API's and the CLI's).
const same = (what, a, b) => {
  if (JSON.stringify(a) === JSON.stringify(b)) { console.log(`ok   ${what}: API = CLI`); return; }
  failures++;
  const show = (x) => JSON.stringify(x).slice(0, 300);
  console.log(`FAIL ${what}: API ${show(a)} ≠ CLI ${show(b)}`);
};

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
const errors = [];
page.on('pageerror', (e) => errors.push(String(e)));
const ready = async () => page.waitForSelector('[data-testid=page][data-ready=true]', { timeout: 20000 });
const text = async (id) => (await page.textContent(`[data-testid="${id}"]`)) ?? '';
const visible = async (id) => page.isVisible(`[data-testid="${id}"]`);
const shot = (name) => page.screenshot({ path: `${out}/${name}.png`, fullPage: true });

// The page's own requests to /api/v1 since the last open() or tab(), so that a check can see what it asked.
const requests = [];
page.on('request', (r) => { if (r.url().includes('/api/v1/')) requests.push(new URL(r.url())); });
const sent = (path) => requests.filter((u) => u.pathname === `/api/v1/${path}`)
  .map((u) => Object.fromEntries(u.searchParams));
// The first request to PATH carried none of date, from, to: the server's default decided.
const askedWithoutDates = (what, path) => {
  const q = sent(path)[0];
  const dated = q ? ['date', 'from', 'to'].filter((k) => k in q).join(',') || 'none' : 'no request';
  check(`${what}: asks /${path} without a date`, dated, 'none');
};

// A fresh load of the view in HASH (a full load, so no state is left from the previous view).
const open = async (hash) => {
  await page.goto('about:blank');
  requests.length = 0;
  await page.goto(`${base}/#${hash}`);
  await ready();
};
const tab = async (name) => {
  requests.length = 0;
  await page.click(`[data-testid=tab-${name}]`);
  await ready();
};

// Raw keys. Every JSON answer the page fetches is parsed here too; its object keys, and the values of the
// fields that name a key (a /compare measure such as `A+_penetration`, a consultation group, a spectrum
// tier), that look like code — snake_case with an underscore, or one of the listed words — must never show
// as a whole token in the page's text: its visible text (document.body.innerText) plus the text of its
// charts (SVG). Portrait tags must not show as `kind:value`. (Data such as brand, category or campaign ids
// may show.)
const LISTED = ['total', 'new', 'lost', 'fell_back', 'within_30s', 'no_reply', 'tag', 'note'];
const KEY_VALUED = new Set(['measure', 'group', 'tier']);
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
  const leaks = [...rawKeys].filter((k) => tokens.has(k) &&
    (lang === 'zh' || !LISTED.includes(k) || SNAKE.test(k)));
  const tag = shown.match(RAW_TAG);
  if (tag) leaks.push(tag[1]);
  if (!leaks.length) console.log(`ok   ${where} (${lang}): none of ${rawKeys.size} raw keys shown`);
  else { failures++; console.log(`FAIL ${where} (${lang}): raw keys shown: ${leaks.join(', ')}`); }
};

// 1. Defaults, page by page: page = API (no date) = CLI (no date).
async function overviewDefaults() {
  const st = await api(`stages?brand=${brand}`);
  same('overview stages', st, cli('stages', '--brand', brand));
  for (const s of STAGES) check(`overview ${s}`, await text(`value-${s}`), fmt(st.stages[s]));
  check('overview total', await text('value-total'), fmt(st.total));
  askedWithoutDates('overview', 'stages');
  askedWithoutDates('overview trend', 'trend');
  check('overview: the header shows the answer\'s day',
    await page.getAttribute('[data-testid=date-picker]', 'placeholder'), st.date);
  check('overview: no date in the URL', page.url().includes('date='), false);
  // 预判 of the TI crowd on the day shown: the page's summary is the API's, which is the CLI's.
  const fc = await api(`forecast?brand=${brand}&date=${st.date}`);
  same('overview forecast', fc, cli('forecast', '--brand', brand, '--date', st.date));
  if (fc.expected_buyers !== null) {
    const shown = await text('forecast-summary');
    check('overview forecast: expected buyers and 80% interval shown',
      shown.includes(fc.expected_buyers.toFixed(1)) && shown.includes(fmt(fc.low80)) && shown.includes(fmt(fc.high80)), true);
    check('overview forecast: explained', await visible('forecast-note'), true);
  } else {
    check('overview: no forecast, and the page says why', await visible('forecast-none'), true);
  }
  return st;
}

async function flowDefaults() {
  const fl = await api(`flow?brand=${brand}`);
  same('flow', fl, cli('flow', '--brand', brand));
  for (const k of COUNTS) check(`flow ${k}`, await text(`value-${k}`), fmt(fl[k]));
  check('flow: the start shown is the answer\'s', await page.inputValue('[data-testid=flow-from]'), fl.from);
  askedWithoutDates('flow', 'flow');
}

async function spusDefaults(spus) {
  for (const spu of spus) {
    const a = await api(`stages?brand=${brand}&spu=${spu}`);
    check(`SPU ${spu} total`, await text(`spu-total-${spu}`), fmt(a.total));
  }
  same(`SPU ${spus[0]} stages`, await api(`stages?brand=${brand}&spu=${spus[0]}`),
    cli('stages', '--brand', brand, '--spu', spus[0]));
  askedWithoutDates('spus', 'stages');
}

async function penetrationDefaults(st) {
  const pen = await api(`penetration?brand=${brand}`);
  same('penetration', pen, cli('penetration', '--brand', brand));
  check('category crowd', await text('value-category_crowd'), fmt(pen.category_crowd));
  check('A+ penetration', await text('value-A+'), pct(pen.rates['A+']));
  check('penetration: S can be below the stage table\'s S, and a note says why',
    pen.S <= st.stages.S && await visible('pen-note'), true);
  const cmp = await api(`compare?brand=${brand}`);
  same('compare', cmp, cli('compare', '--brand', brand));
  check('benchmark: lost is lower-is-better', await text('better-lost'), '↓ 越低越好');
  check('benchmark: fell back is lower-is-better', await text('better-fell_back'), '↓ 越低越好');
  check('benchmark: new is higher-is-better', await text('better-new'), '↑ 越高越好');
  askedWithoutDates('penetration', 'penetration');
  askedWithoutDates('benchmark', 'compare');
}

async function campaignsDefaults() {
  const camps = await api(`campaigns?brand=${brand}`);
  same('campaigns', camps, cli('campaign', '--brand', brand));
  for (const c of camps.campaigns) {
    const id = c.campaign;
    check(`campaign ${id} GMV (T+x)`, await text(`gmv-${id}`), money(c.gmv));
    check(`campaign ${id} buyers (T+x)`, await text(`buyers-${id}`), fmt(c.buyers));
    check(`campaign ${id} new P (flight)`, await text(`newp-${id}`), fmt(c.new_P));
    check(`campaign ${id} seeded buyers (flight start … T+x)`, await text(`seeded-buyers-${id}`),
      fmt(c.seeded.buyers));
    check(`campaign ${id} CPI`, await text(`cpi-${id}`), money(c.cpi));
    check(`campaign ${id} ROI`, (await text(`roi-${id}`)).split(' ')[0],
      c.roi === null ? '—' : c.roi.toFixed(2));
    if (c.forecast && c.forecast.roi !== null) {
      check(`campaign ${id}: the open window's forecast ROI is shown, labelled`,
        (await text(`forecast-roi-${id}`)).startsWith(`预判 ${c.forecast.roi.toFixed(2)}`), true);
    }
  }
  check('campaigns: the windows are explained', await visible('windows-note') && await visible('seeded-note'),
    true);
  // 增量 lift: every campaign shows the API's lift of TI and P with the interval, by its holdout or, without
  // one, by the matched design, which the page labels observational.
  const pp = (v) => (v === null ? '—' : `${v >= 0 ? '+' : ''}${(v * 100).toFixed(2)} pp`);
  let holdouts = 0, matched = 0;
  for (const c of camps.campaigns) {
    const id = c.campaign;
    const res = await fetch(`${base}/api/v1/lift?campaign=${encodeURIComponent(id)}`,
      { headers: { Authorization: `Bearer ${key}` } });
    if (res.status === 400) {
      check(`campaign ${id} without a holdout says so`, (await text(`lift-${id}`)).length > 0, true);
      continue;
    }
    const l = await res.json();
    if (l.design === 'holdout') holdouts += 1;
    else {
      matched += 1;
      check(`campaign ${id}: the matched design is labelled observational`,
        (await text(`lift-design-${id}`)).includes('观察性'), true);
      check(`campaign ${id}: matched groups`, (await text(`lift-groups-${id}`)).startsWith(
        `${l.matched.matched_reached.toLocaleString('en-US')} / ${l.matched.matched_pool.toLocaleString('en-US')}`), true);
    }
    same(`lift of ${id}`, l, cli('lift', '--campaign', id));
    check(`campaign ${id} lift TI`, await text(`lift-ti-${id}`), pp(l.stages.TI.lift));
    check(`campaign ${id} lift TI interval`, await text(`lift-ti-ci-${id}`),
      l.stages.TI.ci_low === null ? '—' : `[${pp(l.stages.TI.ci_low)}, ${pp(l.stages.TI.ci_high)}]`);
    check(`campaign ${id} lift P`, await text(`lift-p-${id}`), pp(l.stages.P.lift));
    check(`campaign ${id} incremental CPTI`, await text(`icpti-${id}`), money(l.icpti));
  }
  check('campaigns: the lift is explained', await visible('lift-note'), true);
  // The simulated world plants a holdout for the first campaign of each category's leading brand.
  check('campaigns: the demo brand has a campaign with a holdout, shown with its lift', holdouts >= 1, true);
  check('campaigns: the demo brand has a campaign without a holdout, shown by the matched design', matched >= 1, true);
}

async function crowdsDefaults() {
  const cc = await api(`crowd/count?preset=redelivery&brand=${brand}`);
  same('crowd re-delivery preset', cc, cli('crowd', 'count', '--preset', 'redelivery', '--brand', brand));
  check('crowd count (re-delivery preset)', await text('crowd-count'), fmt(cc.count));
  check('crowd expression: the server\'s', await page.inputValue('[data-testid=crowd-expr]'), cc.expr);
  askedWithoutDates('crowds', 'crowd/count');
  // This key has no other brand of the brand's category: the picker asks rather than choosing another's.
  check('competitor: none of the same category, so none chosen',
    await page.inputValue('[data-testid=competitor]'), '');
  await page.locator('[data-testid=portrait] table').waitFor({ timeout: 20000 });
}

async function firstpartyDefaults(me, info) {
  const fp = await api(`firstparty?brand=${brand}`);
  same('first-party', fp, cli('firstparty', '--brand', brand));
  check('first-party matched orders', await text('value-matched'), fmt(fp.matched_orders));
  check('first-party match rate', await text('value-match_rate'), pct(fp.match_rate));
  check('first-party weeks add up to the totals', [fp.weeks.reduce((a, w) => a + w.matched, 0),
    fp.weeks.reduce((a, w) => a + w.unmatched, 0)].join('/'), `${fp.matched_orders}/${fp.unmatched_orders}`);
  check('first-party: the match rate over time is drawn', await page.locator('#matchweeks svg').count(), 1);
  check('brand events (info, with matched orders)', await text('value-events'),
    fmt(info.brands.find((b) => b.brand === brand).events));
  const sp = await api(`spectrum?brand=${brand}`);
  same('spectrum', sp, cli('spectrum', '--brand', brand));
  check('spectrum: dated x days before the last day', sp.date, addDays(me.last_day, -sp.x_days));
  check('spectrum: the page shows its day', await text('spectrum-date'), sp.date);
  check('spectrum: the page says why its day differs',
    (await text('spectrum-note')).includes(me.last_day), true);
  for (const x of sp.tiers) {
    check(`spectrum ${x.tier} users`, await text(`tier-users-${x.tier}`), fmt(x.users));
    check(`spectrum ${x.tier} bid multiplier`, await text(`bid-${x.tier}`),
      x.bid_multiplier === null ? '—' : x.bid_multiplier.toFixed(1));
  }
  askedWithoutDates('first-party', 'spectrum');
}

async function auroraDefaults() {
  const au = await api(`aurora?brand=${brand}`);
  const mine = au.brands.find((b) => b.brand === brand);
  const fromCli = cli('aurora', '--brand', brand).brands.find((b) => b.brand === brand);
  same('Aurora (the brand\'s row)', mine, fromCli);
  check('Aurora composite', await text(`composite-${brand}`), mine.composite.toFixed(1));
  askedWithoutDates('aurora', 'aurora');
}

async function topicsDefaults(category) {
  const tp = await api(`topics?category=${category}&brand=${brand}`);
  same('topics', tp, cli('topics', '--category', category, '--brand', brand));
  check('topics: one row per topic', await page.locator('[data-testid=topic-row]').count(), tp.topics.length);
  check('topics: the first topic\'s engagements',
    (await page.locator('[data-testid=topic-engagements]').first().textContent()).trim(),
    fmt(tp.topics[0].engagements));
  askedWithoutDates('topics', 'topics');
  const last = tp.topics[0].weeks.at(-1).week;
  const marked = (await page.locator('[data-testid=partial-weeks]').count())
    ? (await text('partial-weeks')).includes(last) : false;
  check(`topics: the last week (${last}) is marked partial when the period ends before its Sunday`, marked,
    addDays(last, 6) > tp.to);
}

// The home-decoration merchant's accounts: one account's conversations, page = API = CLI, same period.
async function consultDefaults() {
  await open(`key=${decoKey}&page=consult`);
  // The page asks for the selected brand's accounts (the deco tenant's homedeco-01).
  const r = await apiAs(decoKey, 'consult?brand=homedeco-01');
  const all = cli('consult', '--brand', 'homedeco-01');
  same('consult period', [r.from, r.to], [all.from, all.to]);
  check('consult: only the selected brand\'s accounts', r.accounts.length > 0 &&
    r.accounts.every((x) => x.brand === 'homedeco-01'), true);
  const a = r.accounts[0];
  same(`consult ${a.account}`, a, all.accounts.find((x) => x.account === a.account));
  check(`consult ${a.account} conversations`, await text(`conversations-${a.account}`), fmt(a.conversations));
  check('consult: the period shown is the answer\'s', await text('consult-period'), `${r.from} – ${r.to}`);
  check('consult: one row per account and group', await page.locator('[data-testid=consult-row]').count(),
    r.accounts.length + r.groups.length);
  check('consult: 30-second reply rate',
    (await page.locator('[data-testid=reply30]').first().textContent()).trim(), pct(a.reply_30s_rate));
  askedWithoutDates('consult', 'consult');
  await noRawKeys('consult');
  await shot('consult');
}

async function defaults(me, info) {
  await open(`key=${key}&brand=${brand}`);
  const st = await overviewDefaults();
  const category = info.brands.find((b) => b.brand === brand).category;
  const steps = {
    overview: async () => {}, flow: flowDefaults,
    spus: () => spusDefaults(info.brands.find((b) => b.brand === brand).spus),
    penetration: () => penetrationDefaults(st), campaigns: campaignsDefaults, crowds: crowdsDefaults,
    firstparty: () => firstpartyDefaults(me, info), aurora: auroraDefaults,
    topics: () => topicsDefaults(category),
  };
  for (const [name, step] of Object.entries(steps)) {
    if (name !== 'overview') await tab(name);
    await step();
    await noRawKeys(name);
    await shot(name);
  }
  await tab('consult');
  check('consult: a tenant without accounts sees an empty state', await visible('consult-empty'), true);
  await noRawKeys('consult (no accounts)');
  await consultDefaults();
}

// 2. The pickers: an SPU and an earlier date, then every page on that day.
async function pickers(me, info) {
  await open(`key=${key}&brand=${brand}`);
  const spu = info.brands.find((b) => b.brand === brand).spus[0];
  await page.selectOption('[data-testid=spu-picker]', spu);
  await ready();
  const earlier = addDays(me.last_day, -10);
  await page.fill('[data-testid=date-picker]', earlier);
  await page.dispatchEvent('[data-testid=date-picker]', 'change');
  await ready();
  const sp = await api(`stages?brand=${brand}&spu=${spu}&date=${earlier}`);
  check(`SPU ${spu} on ${earlier} total`, await text('value-total'), fmt(sp.total));
  check('URL carries the view',
    page.url().includes(`spu=${spu}`) && page.url().includes(`date=${earlier}`), true);
  await page.selectOption('[data-testid=spu-picker]', '');
  await ready();
  await flowOn(earlier);
  await tab('spus');
  check(`SPU table ${spu}`, await text(`spu-total-${spu}`), fmt(sp.total));
  await tab('penetration');
  const pen = await api(`penetration?brand=${brand}&date=${earlier}`);
  check('category crowd', await text('value-category_crowd'), fmt(pen.category_crowd));
  await tab('aurora');
  const au = await api(`aurora?brand=${brand}&date=${earlier}`);
  check('Aurora composite', await text(`composite-${brand}`),
    au.brands.find((b) => b.brand === brand).composite.toFixed(1));
  await tab('topics');
  const category = info.brands.find((b) => b.brand === brand).category;
  const tp = await api(`topics?category=${category}&brand=${brand}&to=${earlier}`);
  check('topics: one row per topic', await page.locator('[data-testid=topic-row]').count(), tp.topics.length);
  await page.goto('about:blank');
  await page.goto(`${base}/#key=${decoKey}&page=consult&date=${earlier}`);
  await ready();
  const r = await apiAs(decoKey, `consult?to=${earlier}`);
  const a = r.accounts[0];
  check(`consult ${a.account} conversations to ${earlier}`, await text(`conversations-${a.account}`),
    fmt(a.conversations));
  return earlier;
}

async function flowOn(earlier) {
  await tab('flow');
  const fl = await api(`flow?brand=${brand}&to=${earlier}`);
  for (const k of COUNTS) check(`flow ${k} to ${earlier}`, await text(`value-${k}`), fmt(fl[k]));
  check('flow A->I cell', await text('cell-A-I'), fmt(fl.matrix.A.I));
  check('flow: the lost card\'s label',
    await page.locator('.card:has([data-testid=value-lost]) .label').textContent(), '流失');
  // The Sankey keeps the stage order top to bottom, the first day's column left of the second day's.
  const nodes = await page.evaluate(() => {
    const chart = echarts.getInstanceByDom(document.getElementById('sankey'));
    const data = chart.getModel().getSeriesByIndex(0).getData();
    const node = (i) => ({ name: data.getName(i), ...data.getItemLayout(i) });
    return Array.from({ length: data.count() }, (_, i) => node(i));
  });
  const column = (side) => nodes.filter((n) => n.name.startsWith(side)).sort((a, b) => a.y - b.y);
  const order = ['none', 'A', 'I', 'TI', 'P', 'S'].join(' ');
  check('flow: Sankey order, first day', column('from:').map((n) => n.name.slice(5)).join(' '), order);
  check('flow: Sankey order, second day', column('to:').map((n) => n.name.slice(3)).join(' '), order);
  check('flow: Sankey columns',
    Math.max(...column('from:').map((n) => n.x)) < Math.min(...column('to:').map((n) => n.x)), true);
}

// 3. Trust: no data, a day outside the data, a brand outside the tenant, where the data begins, the
// competitor's category. The home-decoration merchant's brand has accounts and messages but no events.
async function trust(me) {
  const deco = await apiAs(decoKey, 'info');
  const bare = deco.brands.find((b) => !b.events);
  if (!bare) throw new Error('the world has no brand without events');
  for (const p of ['overview', 'flow', 'penetration', 'firstparty', 'aurora', 'topics']) {
    await open(`key=${decoKey}&brand=${bare.brand}&page=${p}`);
    check(`${p} of ${bare.brand} (no events): says there is no data`, await visible('no-data'), true);
    check(`${p} of ${bare.brand}: no zero figures shown`, await page.locator('.card .value').count(), 0);
  }
  await shot('no-data');
  // The server refuses a day outside the data (400 naming the range): the page says so, shows no zeros.
  const outside = addDays(me.first_day, -40);
  await page.goto('about:blank');
  await page.goto(`${base}/#key=${key}&brand=${brand}&date=${outside}`);
  await page.waitForSelector('[data-testid=page][data-ready=error]', { state: 'attached', timeout: 20000 });
  check(`a day before the data (${outside}): the page shows the server's refusal`,
    (await text('status')).includes(outside) && await page.locator('.card .value').count() === 0, true);

  const all = await apiAs(adminKey, 'info');
  const foreign = all.brands.map((b) => b.brand).find((b) => !me.brands.includes(b));
  await open(`key=${key}&brand=${foreign}`);
  check(`a brand outside the tenant (${foreign}): a notice names it`,
    await visible('brand-notice') && (await text('brand-notice')).includes(foreign), true);
  check('…and the picker shows one of the tenant\'s brands',
    me.brands.includes(await page.inputValue('[data-testid=brand-picker]')), true);
  await shot('brand-notice');

  const begins = all.brands.find((b) => b.brand === brand).first_day;
  await open(`key=${key}&brand=${brand}&date=${addDays(begins, 19)}`);
  check(`trend to ${addDays(begins, 19)}: says where the data begins`,
    await visible('data-begins') && (await text('data-begins')).includes(begins), true);
  check('…and the 30-day change is not shown as growth',
    (await page.locator('[data-testid=stage-total] .delta').textContent()).includes(begins), true);
  await shot('data-begins');
  await competitor(all);
  await rankBasis();
}

// The benchmark's headings say how the server's ranks count: in each measure's direction when its
// measures say `better` (rank 1 = the best: the fewest lost), else by value (rank 1 = the highest). With
// every brand of the category shown (an admin key), the server's ranks must count the way the headings say.
async function rankBasis() {
  const info = await apiAs(adminKey, 'info');
  const category = info.brands.find((b) => b.brand === brand).category;
  const others = info.brands.filter((b) => b.category === category && b.brand !== brand).map((b) => b.brand);
  const cmp = await apiAs(adminKey, `compare?brand=${brand}&with=${others.join(',')}`);
  const directed = cmp.measures.some((m) => m.better);
  for (const m of cmp.measures.filter((x) => ['lost', 'fell_back', 'new'].includes(x.measure))) {
    const all = Object.values(m.values);
    const mine = m.values[brand];
    const ahead = all.filter((v) => (directed && m.better === 'lower' ? v < mine : v > mine)).length;
    const how = directed ? 'in its direction' : 'by value';
    check(`benchmark: ${m.measure} ranked ${how} (${all.length} brands)`, m.rank,
      all.length === cmp.brands_in_category ? 1 + ahead : m.rank);
  }
  await open(`key=${key}&brand=${brand}&page=penetration`);
  check('benchmark: the rank heading says how ranks count',
    await page.locator('[data-testid=benchmark] th').nth(2).textContent(),
    directed ? '排名（1 = 最好）' : '排名（按数值）');
  const lost = cmp.measures.find((m) => m.measure === 'lost');
  check('benchmark: lost says lower is better', lost.better ?? 'lower', 'lower');
}

// An admin key sees every brand: the conquest preset's competitor defaults to one of the same category.
async function competitor(all) {
  const category = all.brands.find((b) => b.brand === brand).category;
  const rival = all.brands.find((b) => b.brand !== brand && b.category === category).brand;
  await open(`key=${adminKey}&brand=${brand}&page=crowds`);
  await page.selectOption('[data-testid=crowd-preset]', 'conquest');
  const expr = (r) => document.querySelector('[data-testid=crowd-expr]').value.includes(r);
  await page.waitForFunction(expr, rival);
  check('competitor: defaults to a brand of the same category',
    await page.inputValue('[data-testid=competitor]'), rival);
  const cc = await apiAs(adminKey, `crowd/count?preset=conquest&brand=${brand}&competitor=${rival}`);
  await page.waitForFunction(() => document.querySelector('[data-testid=crowd-count]').textContent !== '—');
  check('conquest count', await text('crowd-count'), fmt(cc.count));
}

// 4. English: every page again, no raw key.
async function english(earlier) {
  await open(`key=${key}&brand=${brand}&page=aurora&date=${earlier}`);
  await page.click('[data-testid=lang]');
  await ready();
  check('English tab label', await text('tab-aurora'), 'Aurora');
  await shot('aurora-en');
  for (const p of ['overview', 'flow', 'spus', 'penetration', 'campaigns', 'crowds', 'firstparty', 'aurora',
    'topics']) {
    await tab(p);
    if (p === 'crowds') await page.locator('[data-testid=portrait] table').waitFor({ timeout: 20000 });
    await noRawKeys(p, 'en');
  }
  await open(`key=${decoKey}&page=consult&date=${earlier}&lang=en`);
  await noRawKeys('consult', 'en');
  await shot('consult-en');
}

try {
  // Without a key the page asks for one.
  await page.goto(`${base}/`);
  await page.waitForSelector('#login:not([hidden])');
  check('asks for a key', await page.isVisible('#keyinput'), true);

  const me = await api('me');
  const info = await api('info');
  await defaults(me, info);
  const earlier = await pickers(me, info);
  await trust(me);
  await english(earlier);

  // An unknown SPU in a shared link gives the brand's view, not a blank page.
  await open(`key=${key}&brand=${brand}&page=overview&spu=no-such-spu`);
  check('no page errors', errors.length, 0);
} catch (e) {
  failures++;
  console.log(`FAIL ${e.stack}`);
  await page.screenshot({ path: `${out}/failure.png`, fullPage: true }).catch(() => {});
}
await browser.close();
console.log(failures ? `${failures} dashboard check(s) failed`
  : `dashboard: every check passed; screenshots in ${out}`);
process.exit(failures ? 1 : 0);
