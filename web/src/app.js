// The aips dashboard (ECharts __ECHARTS_VERSION__). State lives in the URL fragment
// (#page=overview&brand=B&spu=S&date=D&key=K) so that a link reopens the same view.
'use strict';

const STAGES = ['A', 'I', 'TI', 'P', 'S'];
const COLORS = { none: '#c9ced8', A: '#9db4d8', I: '#6c9bd2', TI: '#3f6fb5', P: '#ff7a45', S: '#ff2442' };
const T = {
  zh: {
    title: '人群资产', brand: '品牌', spu: '单品', date: '日期', all_spus: '全部（品牌）', need_key: '请输入访问密钥 API key',
    key_help: '向管理员索取只读密钥（aips key create --tenant ...），或打开带 #key=... 的链接。', open: '打开',
    footer: '阶段：A 认知 → I 兴趣 → TI 深度兴趣 → P 购买 → S 分享', loading: '加载中…', empty: '暂无数据',
    overview: '人群资产', flow: '人群流转', spus: '单品对比', penetration: '渗透率', campaigns: '投放效果',
    firstparty: '一方数据', aurora: '极光指标',
    A: 'A 认知', I: 'I 兴趣', TI: 'TI 深度兴趣', P: 'P 购买', S: 'S 分享', none: '未触达', total: '资产总量',
    vs: '较', trend: '每日趋势', from: '起始日', to: '结束日', matrix: '流转矩阵', rates: '流转率',
    new: '新增', lost: '流失', deepened: '加深', fell_back: '回落', category_crowd: '品类人群', penetration_rate: '渗透率',
    benchmark: '品类对标', rank: '排名', percentile: '百分位', top_avg: '品类Top3均值', measure: '指标',
    campaign: '投放', flight: '投放期', reach: '触达', spend: '花费', new_I: '新增种草', cpi: 'CPI 种草成本',
    new_TI: '新增深度种草', cpti: 'CPTI 深度种草成本', gmv: 'GMV', roi: 'ROI(T+x)', provisional: '未结算',
    attribution: '归因按触达计算、不排他：一笔订单计入每个触达过其买家的投放。',
    matched: '已匹配订单', unmatched: '待匹配订单', match_rate: '匹配率', matched_gmv: '匹配GMV', identity: '身份映射',
    composite: '综合', awareness: '品牌认知', content: '内容沉淀', wom: '口碑', no_key: '密钥无效或缺失',
    unknown: '未找到', error: '出错了', crowds: '人群包', preset: '预设', custom: '自定义表达式', redelivery: '复投（深度兴趣未购买）',
    lost: '流失召回', conquest: '竞品收割', competitor: '竞品', count: '人数', save: '保存', export: '导出（加盐哈希）',
    name: '名称', saved: '已保存人群包', version: '版本', size: '人数', definition: '定义', portrait: '人群画像 (TGI)',
    topics: '灵犀话题', topic: '话题', notes: '笔记数', engagements: '互动量', growth: '环比', rising: '上升', weekly: '每周互动',
    reach_ti: '触达深度种草人群', top_notes: '带来深度种草最多的笔记', users_into_ti: '新增深度种草人数', previous: '上期',
    consult: '私信咨询', account: '账号', group: '类型', conversations: '会话数', reply_30s: '30秒回复率', median_reply: '首响中位数(秒)',
    night: '夜间覆盖', leads: '留资数', lead_rate: '留资率', cost_per_lead: '留资成本', score: '咨询分', reply_dist: '首次回复时长分布',
    headquarters: '总部', regional: '区域', staff: '员工', no_accounts: '暂无可见的咨询账号',
  },
  en: {
    title: 'Crowd asset', brand: 'Brand', spu: 'SPU', date: 'Date', all_spus: 'All (brand)', need_key: 'Enter an API key',
    key_help: 'Ask an admin for a read key (aips key create --tenant ...), or open a link with #key=...', open: 'Open',
    footer: 'Stages: A Awareness → I Interest → TI True Interest → P Purchase → S Share', loading: 'Loading…', empty: 'No data',
    overview: 'Crowd asset', flow: 'Crowd flow', spus: 'SPUs', penetration: 'Penetration', campaigns: 'Campaigns',
    firstparty: 'First-party', aurora: 'Aurora',
    A: 'A Awareness', I: 'I Interest', TI: 'TI True Interest', P: 'P Purchase', S: 'S Share', none: 'Not in asset',
    total: 'Asset total', vs: 'vs', trend: 'Daily trend', from: 'From', to: 'To', matrix: 'Flow matrix', rates: 'Flow rates',
    new: 'New', lost: 'Lost', deepened: 'Deepened', fell_back: 'Fell back', category_crowd: 'Category crowd',
    penetration_rate: 'Penetration', benchmark: 'Category benchmark', rank: 'Rank', percentile: 'Percentile',
    top_avg: 'Category top-3 avg', measure: 'Measure', campaign: 'Campaign', flight: 'Flight', reach: 'Reach',
    spend: 'Spend', new_I: 'New I', cpi: 'CPI', new_TI: 'New TI', cpti: 'CPTI', gmv: 'GMV', roi: 'ROI(T+x)',
    provisional: 'provisional', attribution: 'Attribution is reach-based and not exclusive: an order counts for every campaign that reached its buyer.',
    matched: 'Matched orders', unmatched: 'Unmatched orders', match_rate: 'Match rate', matched_gmv: 'Matched GMV',
    identity: 'Identity map', composite: 'Composite', awareness: 'Awareness', content: 'Content', wom: 'Word of mouth',
    no_key: 'Missing or unknown key', unknown: 'Not found', error: 'Error', crowds: 'Crowd packs', preset: 'Preset',
    custom: 'Custom expression', redelivery: 'Re-delivery (TI, not bought)', lost: 'Lost since (win-back)',
    conquest: 'Competitor conquest', competitor: 'Competitor', count: 'Users', save: 'Save', export: 'Export (salted hashes)',
    name: 'Name', saved: 'Saved crowds', version: 'Version', size: 'Size', definition: 'Definition', portrait: 'Portrait (TGI)',
    topics: 'Topics', topic: 'Topic', notes: 'Notes', engagements: 'Engagements', growth: 'Growth', rising: 'Rising', weekly: 'Weekly engagements',
    reach_ti: 'Reach into TI', top_notes: 'Notes that moved the most users into TI', users_into_ti: 'Users into TI', previous: 'Previous',
    consult: 'Consultations', account: 'Account', group: 'Group', conversations: 'Conversations', reply_30s: '30-s reply rate', median_reply: 'Median first reply (s)',
    night: 'Night coverage', leads: 'Leads', lead_rate: 'Lead rate', cost_per_lead: 'Cost per lead', score: 'Score', reply_dist: 'First-reply time',
    headquarters: 'Headquarters', regional: 'Regional', staff: 'Staff', no_accounts: 'No consultation accounts visible to this key',
  },
};
const PAGES = ['overview', 'flow', 'spus', 'penetration', 'campaigns', 'crowds', 'firstparty', 'aurora', 'topics', 'consult'];

const state = { page: 'overview', brand: '', spu: '', date: '', key: '', lang: 'zh', from: '' };
let me = null;
let charts = [];

const $ = (id) => document.getElementById(id);
const t = (k) => (T[state.lang][k] ?? k);
const fmt = (n) => (n === null || n === undefined ? '—' : Number(n).toLocaleString('en-US'));
const money = (n) => (n === null || n === undefined ? '—' : Number(n).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }));
const pct = (x) => (x === null || x === undefined ? '—' : (100 * x).toFixed(1) + '%');
const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]));
const addDays = (d, n) => { const x = new Date(d + 'T00:00:00Z'); x.setUTCDate(x.getUTCDate() + n); return x.toISOString().slice(0, 10); };

function readHash() {
  const p = new URLSearchParams(location.hash.slice(1));
  for (const k of ['page', 'brand', 'spu', 'date', 'key', 'lang', 'from']) if (p.has(k)) state[k] = p.get(k);
  if (!state.key) state.key = sessionStorage.getItem('aips-key') || '';
  if (!PAGES.includes(state.page)) state.page = 'overview';
}
function writeHash() {
  const p = new URLSearchParams();
  for (const k of ['page', 'brand', 'spu', 'date', 'from', 'lang', 'key']) if (state[k]) p.set(k, state[k]);
  history.replaceState(null, '', '#' + p.toString());
}

class ApiError extends Error { constructor(status, msg) { super(msg); this.status = status; } }
async function api(path, params = {}) {
  const q = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== '' && v !== undefined && v !== null));
  const res = await fetch(`/api/v1/${path}${q.toString() ? '?' + q : ''}`, { headers: { Authorization: `Bearer ${state.key}` } });
  const body = await res.json().catch(() => ({ error: res.statusText }));
  if (!res.ok) throw new ApiError(res.status, body.error || res.statusText);
  return body;
}

function setStatus(text, isError = false) { const s = $('status'); s.textContent = text; s.className = isError ? 'error' : ''; }
function disposeCharts() { charts.forEach((c) => c.dispose()); charts = []; }
function chart(el, option) { const c = echarts.init(el); c.setOption({ animation: false, ...option }); charts.push(c); return c; }
window.addEventListener('resize', () => charts.forEach((c) => c.resize()));

function translateStatic() {
  document.documentElement.lang = state.lang;
  document.querySelectorAll('[data-i18n]').forEach((el) => { el.textContent = t(el.dataset.i18n); });
  $('lang').textContent = state.lang === 'zh' ? 'EN' : '中文';
  $('tabs').innerHTML = PAGES.map((p) => `<a href="#" data-page="${p}" data-testid="tab-${p}" class="${p === state.page ? 'active' : ''}">${t(p)}</a>`).join('');
}

async function loadSpus() {
  const info = await api('info');
  const b = info.brands.find((x) => x.brand === state.brand);
  const spus = b ? b.spus : [];
  $('spu').innerHTML = `<option value="">${t('all_spus')}</option>` + spus.map((s) => `<option ${s === state.spu ? 'selected' : ''}>${esc(s)}</option>`).join('');
  if (!spus.includes(state.spu)) state.spu = '';
  return info;
}

async function start() {
  readHash();
  translateStatic();
  if (!state.key) { $('login').hidden = false; return; }
  try {
    me = await api('me');
  } catch (e) {
    $('login').hidden = false;
    setStatus(`${t('no_key')}: ${e.message}`, true);
    return;
  }
  $('login').hidden = true;
  sessionStorage.setItem('aips-key', state.key);
  if (!me.brands.length) { setStatus(t('empty')); return; }
  if (!me.brands.includes(state.brand)) state.brand = me.brands[0];
  if (!state.date) state.date = me.last_day || '';
  $('brand').innerHTML = me.brands.map((b) => `<option ${b === state.brand ? 'selected' : ''}>${esc(b)}</option>`).join('');
  $('date').value = state.date;
  if (me.first_day) $('date').min = me.first_day;
  await loadSpus();
  render();
}

async function render() {
  writeHash();
  translateStatic();
  disposeCharts();
  const page = $('page');
  page.innerHTML = `<div class="empty">${t('loading')}</div>`;
  page.dataset.ready = 'false';
  setStatus('');
  try {
    await PAGE_RENDERERS[state.page](page);
    page.dataset.ready = 'true';
  } catch (e) {
    page.innerHTML = '';
    page.dataset.ready = 'error';
    setStatus(`${e.status === 404 ? t('unknown') : t('error')}: ${e.message}`, true);
  }
}

const scope = () => ({ brand: state.brand, spu: state.spu });

const PAGE_RENDERERS = {
  async overview(page) {
    const prev = addDays(state.date, -30);
    const [now, before, trend] = await Promise.all([
      api('stages', { ...scope(), date: state.date }),
      api('stages', { ...scope(), date: prev }),
      api('trend', { ...scope(), from: addDays(state.date, -89), to: state.date }),
    ]);
    const card = (k, v, d) => `<div class="card" data-testid="stage-${k}"><div class="label">${t(k)}</div>
      <div class="value" data-testid="value-${k}">${fmt(v)}</div>
      <div class="delta ${d >= 0 ? 'up' : 'down'}">${d >= 0 ? '+' : ''}${fmt(d)} ${t('vs')} ${prev}</div></div>`;
    page.innerHTML = `<div class="cards">${STAGES.map((s) => card(s, now.stages[s], now.stages[s] - before.stages[s])).join('')}
      ${card('total', now.total, now.total - before.total)}</div>
      <div class="panel"><h3>${t('trend')} · ${esc(state.brand)}${state.spu ? ' · ' + esc(state.spu) : ''}</h3><div class="chart" id="trendchart"></div></div>`;
    chart($('trendchart'), {
      tooltip: { trigger: 'axis' }, legend: { data: STAGES.map(t) },
      xAxis: { type: 'category', data: trend.days.map((d) => d.date) }, yAxis: { type: 'value' },
      series: STAGES.map((s) => ({ name: t(s), type: 'line', stack: 'asset', areaStyle: {}, symbol: 'none',
        itemStyle: { color: COLORS[s] }, data: trend.days.map((d) => d.stages[s]) })),
    });
  },

  async flow(page) {
    const from = state.from || addDays(state.date, -30);
    const f = await api('flow', { ...scope(), from, to: state.date });
    const names = ['none', ...STAGES];
    const nodes = [];
    const links = [];
    for (const side of ['from', 'to']) for (const n of names) nodes.push({ name: `${side}:${n}`, itemStyle: { color: COLORS[n] } });
    for (const a of names) for (const b of names) {
      const v = f.matrix[a][b];
      if (v > 0 && !(a === 'none' && b === 'none')) links.push({ source: `from:${a}`, target: `to:${b}`, value: v });
    }
    const rows = names.map((a) => `<tr><td>${t(a)}</td>${names.map((b) => `<td data-testid="cell-${a}-${b}">${a === 'none' && b === 'none' ? '·' : fmt(f.matrix[a][b])}</td>`).join('')}</tr>`).join('');
    const rates = STAGES.map((a) => `<tr><td>${t(a)}</td>${names.map((b) => `<td>${pct(f.rates[a][b])}</td>`).join('')}</tr>`).join('');
    page.innerHTML = `<div class="panel"><label>${t('from')} <input type="date" id="flowfrom" value="${from}" data-testid="flow-from"></label> → ${state.date}</div>
      <div class="cards">${['new', 'lost', 'deepened', 'fell_back'].map((k) => `<div class="card"><div class="label">${t(k)}</div><div class="value" data-testid="value-${k}">${fmt(f[k])}</div></div>`).join('')}</div>
      <div class="panel"><h3>${t('flow')} ${from} → ${state.date}</h3><div class="chart" id="sankey" style="height:420px"></div></div>
      <div class="row"><div class="panel"><h3>${t('matrix')}</h3><table><tr><th></th>${names.map((b) => `<th>${t(b)}</th>`).join('')}</tr>${rows}</table></div>
      <div class="panel"><h3>${t('rates')}</h3><table><tr><th></th>${names.map((b) => `<th>${t(b)}</th>`).join('')}</tr>${rates}</table></div></div>`;
    $('flowfrom').addEventListener('change', (e) => { state.from = e.target.value; render(); });
    chart($('sankey'), {
      tooltip: {}, series: [{ type: 'sankey', data: nodes, links, emphasis: { focus: 'adjacency' }, lineStyle: { color: 'source', opacity: 0.35 },
        label: { formatter: (p) => { const [side, n] = p.name.split(':'); return `${t(n)} (${side === 'from' ? from : state.date})`; } } }],
    });
  },

  async spus(page) {
    const info = await api('info');
    const b = info.brands.find((x) => x.brand === state.brand);
    const spus = b ? b.spus : [];
    if (!spus.length) { page.innerHTML = `<div class="empty">${t('empty')}</div>`; return; }
    const rows = await Promise.all(spus.map((s) => api('stages', { brand: state.brand, spu: s, date: state.date })));
    page.innerHTML = `<div class="panel"><h3>${t('spus')} · ${state.date}</h3><div class="chart" id="spuchart"></div></div>
      <div class="panel"><table><tr><th>SPU</th>${STAGES.map((s) => `<th>${t(s)}</th>`).join('')}<th>${t('total')}</th></tr>
      ${rows.map((r) => `<tr data-testid="spu-row-${esc(r.spu)}"><td>${esc(r.spu)}</td>${STAGES.map((s) => `<td>${fmt(r.stages[s])}</td>`).join('')}<td data-testid="spu-total-${esc(r.spu)}">${fmt(r.total)}</td></tr>`).join('')}</table></div>`;
    chart($('spuchart'), {
      tooltip: { trigger: 'axis' }, legend: { data: STAGES.map(t) }, xAxis: { type: 'category', data: spus }, yAxis: { type: 'value' },
      series: STAGES.map((s) => ({ name: t(s), type: 'bar', stack: 'spu', itemStyle: { color: COLORS[s] }, data: rows.map((r) => r.stages[s]) })),
    });
  },

  async penetration(page) {
    const [p, cmp] = await Promise.all([api('penetration', { ...scope(), date: state.date }), api('compare', { brand: state.brand, date: state.date })]);
    const keys = [...STAGES, 'A+', 'TI+'];
    page.innerHTML = `<div class="cards"><div class="card"><div class="label">${t('category_crowd')} ${esc(p.category ?? '')}</div><div class="value" data-testid="value-category_crowd">${fmt(p.category_crowd)}</div></div>
      ${['A+', 'TI+'].map((k) => `<div class="card"><div class="label">${k} ${t('penetration_rate')}</div><div class="value" data-testid="value-${k}">${pct(p.rates[k])}</div><div class="note">${fmt(p[k])}</div></div>`).join('')}</div>
      <div class="panel"><h3>${t('penetration')}</h3><div class="chart" id="penchart"></div></div>
      <div class="panel"><h3>${t('benchmark')} · ${esc(cmp.category)} (${cmp.brands_in_category})</h3><table>
      <tr><th>${t('measure')}</th><th>${esc(state.brand)}</th><th>${t('rank')}</th><th>${t('percentile')}</th><th>${t('top_avg')}</th></tr>
      ${cmp.measures.map((m) => { const r = m.measure.includes('penetration'); const v = m.values[state.brand];
        return `<tr><td>${esc(m.measure)}</td><td>${r ? pct(v) : fmt(v)}</td><td>${m.rank}/${cmp.brands_in_category}</td><td>${m.percentile.toFixed(0)}</td><td>${r ? pct(m.category_top_avg) : fmt(Math.round(m.category_top_avg))}</td></tr>`; }).join('')}
      </table></div>`;
    chart($('penchart'), {
      tooltip: {}, xAxis: { type: 'category', data: keys.map((k) => t(k)) }, yAxis: { type: 'value', axisLabel: { formatter: (v) => (100 * v).toFixed(0) + '%' } },
      series: [{ type: 'bar', data: keys.map((k) => ({ value: p.rates[k], itemStyle: { color: COLORS[k] || '#ff2442' } })), label: { show: true, position: 'top', formatter: (x) => pct(x.value) } }],
    });
  },

  async campaigns(page) {
    const c = await api('campaigns', { brand: state.brand });
    if (!c.campaigns.length) { page.innerHTML = `<div class="empty">${t('empty')}</div>`; return; }
    page.innerHTML = `<div class="panel"><table><tr><th>${t('campaign')}</th><th>${t('flight')}</th><th>${t('reach')}</th><th>${t('spend')}</th><th>${t('new_I')}</th><th>${t('cpi')}</th><th>${t('new_TI')}</th><th>${t('cpti')}</th><th>${t('gmv')}</th><th>${t('roi')}</th></tr>
      ${c.campaigns.map((x) => `<tr data-testid="campaign-${esc(x.campaign)}"><td>${esc(x.campaign)}</td><td>${x.flight.start} … ${x.flight.end}</td><td>${fmt(x.reach)}</td><td>${money(x.spend)}</td><td>${fmt(x.new_I)}</td><td data-testid="cpi-${esc(x.campaign)}">${money(x.cpi)}</td><td>${fmt(x.new_TI)}</td><td>${money(x.cpti)}</td><td>${money(x.gmv)}</td>
      <td data-testid="roi-${esc(x.campaign)}">${x.roi === null ? '—' : x.roi.toFixed(2)} <span class="note">T+${x.x_days}</span> ${x.provisional ? `<span class="tag">${t('provisional')}</span>` : ''}</td></tr>`).join('')}
      </table><p class="note">${t('attribution')}</p></div>
      <div class="panel"><h3>CPI / CPTI</h3><div class="chart" id="campchart"></div></div>`;
    chart($('campchart'), {
      tooltip: { trigger: 'axis' }, legend: { data: ['CPI', 'CPTI', 'ROI'] }, xAxis: { type: 'category', data: c.campaigns.map((x) => x.campaign) },
      yAxis: [{ type: 'value' }, { type: 'value' }],
      series: [{ name: 'CPI', type: 'bar', data: c.campaigns.map((x) => x.cpi) }, { name: 'CPTI', type: 'bar', data: c.campaigns.map((x) => x.cpti) },
        { name: 'ROI', type: 'line', yAxisIndex: 1, data: c.campaigns.map((x) => x.roi) }],
    });
  },

  async crowds(page) {
    const others = me.brands.filter((b) => b !== state.brand);
    const presetExpr = (p, comp) => ({
      redelivery: `stage(brand: "${state.brand}", date: "${state.date}") in [TI]`,
      lost: `flowed(brand: "${state.brand}", from: "${addDays(state.date, -30)}", to: "${state.date}", from_stage: [A, I, TI, P, S], to_stage: [none])`,
      conquest: `stage(brand: "${comp}", date: "${state.date}") in [TI, P, S] and not stage(brand: "${state.brand}", date: "${state.date}") in [A, I, TI, P, S]`,
    }[p]);
    const saved = await api('crowds');
    page.innerHTML = `<div class="panel"><h3>${t('crowds')}</h3>
      <p><label>${t('preset')} <select id="preset" data-testid="crowd-preset"><option value="redelivery">${t('redelivery')}</option><option value="lost">${t('lost')}</option>
      ${others.length ? `<option value="conquest">${t('conquest')}</option>` : ''}</select></label>
      ${others.length ? `<label>${t('competitor')} <select id="competitor">${others.map((b) => `<option>${esc(b)}</option>`).join('')}</select></label>` : ''}</p>
      <textarea id="expr" rows="3" style="width:100%;font-family:monospace" data-testid="crowd-expr"></textarea>
      <div class="cards" style="margin-top:12px"><div class="card"><div class="label">${t('count')}</div><div class="value" data-testid="crowd-count">—</div><div class="note" id="crowderr"></div></div></div>
      <p><input id="crowdname" placeholder="${t('name')}"> <button id="savecrowd">${t('save')}</button> <button id="exportcrowd">${t('export')}</button></p></div>
      <div class="panel"><h3>${t('portrait')}</h3><div id="portrait" data-testid="portrait"></div></div>
      <div class="panel"><h3>${t('saved')}</h3><table><tr><th>${t('name')}</th><th>${t('version')}</th><th>${t('size')}</th><th>${t('definition')}</th></tr>
      ${saved.crowds.map((c) => `<tr><td>${esc(c.name)}</td><td>${c.version}</td><td>${fmt(c.size)}</td><td style="text-align:left;font-family:monospace">${esc(c.definition)}</td></tr>`).join('')}</table></div>`;
    let timer = null;
    const recount = async () => {
      try {
        const r = await api('crowd/count', { expr: $('expr').value });
        document.querySelector('[data-testid=crowd-count]').textContent = fmt(r.count); $('crowderr').textContent = '';
        const p = await api('crowd/portrait', { expr: $('expr').value }).catch((e) => ({ error: e.message }));
        $('portrait').innerHTML = p.error ? `<div class="note">${esc(p.error)}</div>` : `<table><tr><th>tag</th><th>${t('count')}</th><th>%</th><th>${t('category_crowd')} %</th><th>TGI</th></tr>
          ${p.tags.map((x) => `<tr><td>${esc(x.tag)}</td><td>${fmt(x.count)}</td><td>${pct(x.share)}</td><td>${pct(x.base_share)}</td><td>${x.tgi === null ? '—' : x.tgi.toFixed(0)}</td></tr>`).join('')}</table>`;
      } catch (e) { document.querySelector('[data-testid=crowd-count]').textContent = '—'; $('crowderr').textContent = e.message; }
    };
    const fromPreset = () => { $('expr').value = presetExpr($('preset').value, $('competitor') ? $('competitor').value : ''); return recount(); };
    $('preset').addEventListener('change', fromPreset);
    if ($('competitor')) $('competitor').addEventListener('change', fromPreset);
    $('expr').addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(recount, 300); });
    $('savecrowd').addEventListener('click', async () => {
      const name = $('crowdname').value.trim();
      if (!name) return;
      const q = new URLSearchParams({ name, expr: $('expr').value });
      const res = await fetch(`/api/v1/crowds?${q}`, { method: 'POST', headers: { Authorization: `Bearer ${state.key}` } });
      const body = await res.json();
      if (!res.ok) { $('crowderr').textContent = body.error; return; }
      render();
    });
    $('exportcrowd').addEventListener('click', async () => {
      const res = await fetch(`/api/v1/crowd/export?${new URLSearchParams({ expr: $('expr').value })}`, { headers: { Authorization: `Bearer ${state.key}` } });
      if (!res.ok) { $('crowderr').textContent = (await res.json()).error; return; }
      const a = document.createElement('a');
      a.href = URL.createObjectURL(await res.blob());
      a.download = `${state.brand}-crowd.csv`;
      a.click();
    });
    await fromPreset();
  },

  async firstparty(page) {
    const f = await api('firstparty', { brand: state.brand });
    page.innerHTML = `<div class="cards">
      <div class="card"><div class="label">${t('matched')}</div><div class="value" data-testid="value-matched">${fmt(f.matched_orders)}</div></div>
      <div class="card"><div class="label">${t('unmatched')}</div><div class="value">${fmt(f.unmatched_orders)}</div></div>
      <div class="card"><div class="label">${t('match_rate')}</div><div class="value" data-testid="value-match_rate">${pct(f.match_rate)}</div></div>
      <div class="card"><div class="label">${t('matched_gmv')}</div><div class="value">${money(f.matched_gmv)}</div></div>
      <div class="card"><div class="label">${t('identity')}</div><div class="value">${fmt(f.identity_entries)}</div></div></div>`;
  },

  async aurora(page) {
    const a = await api('aurora', { brand: state.brand, date: state.date });
    const mine = a.brands.find((b) => b.brand === state.brand);
    const dims = ['awareness', 'content', 'penetration', 'word_of_mouth'];
    page.innerHTML = `<div class="row"><div class="panel"><h3>${t('aurora')} · ${esc(a.category)}</h3><div class="chart" id="radar"></div></div>
      <div class="panel"><table><tr><th>${t('brand')}</th><th>${t('composite')}</th><th>${t('awareness')}</th><th>${t('content')}</th><th>${t('penetration')}</th><th>${t('wom')}</th></tr>
      ${a.brands.map((b) => `<tr data-testid="aurora-${esc(b.brand)}"><td>${esc(b.brand)}</td><td data-testid="composite-${esc(b.brand)}">${b.composite.toFixed(1)}</td>${dims.map((d) => `<td>${b[d].toFixed(1)}</td>`).join('')}</tr>`).join('')}
      </table></div></div>`;
    if (mine) chart($('radar'), {
      radar: { indicator: dims.map((d) => ({ name: t(d === 'word_of_mouth' ? 'wom' : d), max: 100 })) },
      series: [{ type: 'radar', data: [{ value: dims.map((d) => mine[d]), name: state.brand, areaStyle: { color: 'rgba(255,36,66,.25)' }, lineStyle: { color: '#ff2442' } }] }],
    });
  },
  async topics(page) {
    const info = await api('info');
    const b = info.brands.find((x) => x.brand === state.brand);
    const category = b ? b.category : '';
    const r = await api('topics', { category, brand: state.brand, to: state.date });
    const top = r.topics.slice(0, 12);
    const pctGrowth = (g) => (g === null ? '—' : (g >= 0 ? '+' : '') + (100 * g).toFixed(0) + '%');
    page.innerHTML = `<div class="row"><div class="panel"><h3>${t('topics')} · ${esc(category)} · ${r.from} – ${r.to}</h3><div class="chart" id="topicbars"></div></div>
      <div class="panel"><h3>${t('weekly')}</h3><div class="chart" id="topicweeks"></div></div></div>
      <div class="panel"><table data-testid="topics-table"><tr><th>#</th><th>${t('topic')}</th><th>${t('notes')}</th><th>${t('engagements')}</th><th>${t('growth')}</th><th>${t('rising')}</th><th>${t('reach_ti')}</th></tr>
      ${r.topics.map((x) => `<tr data-testid="topic-row"><td>${x.rank}</td><td>${esc(x.topic)}</td><td>${fmt(x.notes)}</td><td data-testid="topic-engagements">${fmt(x.engagements)}</td><td>${pctGrowth(x.growth)}</td><td>${x.rising ? '▲' : ''}</td><td>${x.reach ? fmt(x.reach.TI) : '—'}</td></tr>`).join('')}
      </table></div>
      <div class="panel"><h3>${t('top_notes')} · ${esc(state.brand)}</h3><table data-testid="top-notes"><tr><th>note</th><th>${t('users_into_ti')}</th><th>${t('topic')}</th></tr>
      ${r.top_notes.map((n) => `<tr><td>${esc(n.note)}</td><td>${fmt(n.users_into_ti)}</td><td>${n.topics.map(esc).join(' · ')}</td></tr>`).join('')}</table></div>`;
    chart($('topicbars'), {
      tooltip: { trigger: 'axis' }, legend: { data: [t('engagements'), t('previous')] },
      xAxis: { type: 'value' }, yAxis: { type: 'category', inverse: true, data: top.map((x) => x.topic) },
      series: [{ name: t('engagements'), type: 'bar', itemStyle: { color: '#ff2442' }, data: top.map((x) => x.engagements) },
        { name: t('previous'), type: 'bar', itemStyle: { color: '#c9ced8' }, data: top.map((x) => x.previous_engagements) }],
    });
    const five = r.topics.slice(0, 5);
    chart($('topicweeks'), {
      tooltip: { trigger: 'axis' }, legend: { data: five.map((x) => x.topic) },
      xAxis: { type: 'category', data: five.length ? five[0].weeks.map((w) => w.week) : [] }, yAxis: { type: 'value' },
      series: five.map((x) => ({ name: x.topic, type: 'line', data: x.weeks.map((w) => w.engagements) })),
    });
  },
  async consult(page) {
    const r = await api('consult', { to: state.date });
    if (!r.accounts.length) { page.innerHTML = `<div class="empty" data-testid="consult-empty">${t('no_accounts')}</div>`; return; }
    const row = (f, name, group) => `<tr data-testid="consult-row"><td>${esc(name)}</td><td>${esc(group)}</td><td>${fmt(f.conversations)}</td><td data-testid="reply30">${pct(f.reply_30s_rate)}</td>
      <td>${f.first_reply_seconds.median === null ? '—' : fmt(f.first_reply_seconds.median)}</td><td>${pct(f.night_coverage)}</td><td>${fmt(f.leads)}</td><td>${pct(f.lead_rate)}</td>
      <td>${money(f.cost_per_lead)}</td><td><b>${f.score === null ? '—' : f.score.toFixed(1)}</b></td></tr>`;
    const head = `<tr><th>${t('account')}</th><th>${t('group')}</th><th>${t('conversations')}</th><th>${t('reply_30s')}</th><th>${t('median_reply')}</th><th>${t('night')}</th><th>${t('leads')}</th><th>${t('lead_rate')}</th><th>${t('cost_per_lead')}</th><th>${t('score')}</th></tr>`;
    page.innerHTML = `<div class="panel"><h3>${t('consult')} · ${r.from} – ${r.to}</h3><table data-testid="consult-table">${head}
      ${r.accounts.map((f) => row(f, f.account, t(f.group))).join('')}
      ${r.groups.map((g) => row(g, t(g.group), `${g.accounts} ×`)).join('')}</table></div>
      <div class="panel"><h3>${t('reply_dist')}</h3><div class="chart" id="replydist"></div></div>`;
    const buckets = ['within_30s', '30s_to_1min', '1_to_5min', '5_to_30min', '30min_to_24h', 'over_24h', 'no_reply'];
    const colors = ['#3f6fb5', '#6c9bd2', '#9db4d8', '#ffb38a', '#ff7a45', '#ff2442', '#c9ced8'];
    chart($('replydist'), {
      tooltip: { trigger: 'axis' }, legend: { data: buckets },
      xAxis: { type: 'category', data: r.accounts.map((f) => f.account) }, yAxis: { type: 'value' },
      series: buckets.map((k, i) => ({ name: k, type: 'bar', stack: 'r', itemStyle: { color: colors[i] }, data: r.accounts.map((f) => f.first_reply_distribution[k]) })),
    });
  },
};

$('tabs').addEventListener('click', (e) => { const p = e.target.dataset.page; if (p) { e.preventDefault(); state.page = p; render(); } });
$('brand').addEventListener('change', async (e) => { state.brand = e.target.value; state.spu = ''; await loadSpus().catch(() => {}); render(); });
$('spu').addEventListener('change', (e) => { state.spu = e.target.value; render(); });
$('date').addEventListener('change', (e) => { if (e.target.value) { state.date = e.target.value; render(); } });
$('lang').addEventListener('click', () => { state.lang = state.lang === 'zh' ? 'en' : 'zh'; render(); });
$('keyform').addEventListener('submit', (e) => { e.preventDefault(); state.key = $('keyinput').value.trim(); writeHash(); start(); });
window.addEventListener('hashchange', () => { const before = state.key; readHash(); if (state.key !== before) start(); });
start();
