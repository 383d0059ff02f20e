// The aips dashboard's entry point (bundled by web/build.mjs into dist/app.js). Owns start-up (the key,
// /me, the pickers), the header (tabs, language switch), and rendering the current page from pages/.
import { api } from './core/api.js';
import { disposeCharts } from './core/charts.js';
import { $, bindDateField, dateField, setStatus, showDay } from './core/dom.js';
import { esc } from './core/format.js';
import { t, tf } from './core/i18n.js';
import { PAGES, readHash, session, setRenderHook, state, writeHash } from './core/state.js';
import * as overview from './pages/overview.js';
import * as flow from './pages/flow.js';
import * as spus from './pages/spus.js';
import * as penetration from './pages/penetration.js';
import * as campaigns from './pages/campaigns.js';
import * as crowds from './pages/crowds.js';
import * as firstparty from './pages/firstparty.js';
import * as aurora from './pages/aurora.js';
import * as topics from './pages/topics.js';
import * as consult from './pages/consult.js';

const RENDERERS = {
  overview, flow, spus, penetration, campaigns, crowds, firstparty, aurora, topics, consult,
};

function translateStatic() {
  document.documentElement.lang = state.lang === 'zh' ? 'zh-CN' : 'en';
  document.querySelectorAll('[data-i18n]').forEach((el) => { el.textContent = t(el.dataset.i18n); });
  document.querySelectorAll('[data-i18n-title]').forEach((el) => {
    el.title = t(el.dataset.i18nTitle);
    el.setAttribute('aria-label', el.title);
  });
  $('lang').textContent = state.lang === 'zh' ? 'EN' : '中文';
  $('tabs').innerHTML = PAGES.map((p) => `<a href="#" data-page="${p}" data-testid="tab-${p}"` +
    ` class="${p === state.page ? 'active' : ''}">${t(p)}</a>`).join('');
}

async function loadSpus() {
  const info = await api('info');
  session.info = info;
  const b = info.brands.find((x) => x.brand === state.brand);
  const list = b ? b.spus : [];
  $('spu').innerHTML = `<option value="">${t('all_spus')}</option>` +
    list.map((s) => `<option ${s === state.spu ? 'selected' : ''}>${esc(s)}</option>`).join('');
  if (!list.includes(state.spu)) state.spu = '';
  return info;
}

// A brand that the key's tenant does not hold (a shared link, an edited fragment) is named in a notice
// that stays until another brand is picked; the page shows the tenant's first brand meanwhile.
function checkBrand() {
  const brands = session.me.brands;
  const asked = state.brand;
  const notice = $('notice');
  notice.hidden = brands.includes(asked) || !asked;
  if (brands.includes(asked)) return;
  state.brand = brands[0];
  notice.textContent = asked ? tf('brand_not_yours', { asked, brands: brands.join(', '), shown: state.brand })
    : '';
}

async function render() {
  writeHash();
  translateStatic();
  $('date').value = state.date;
  disposeCharts();
  const page = $('page');
  page.innerHTML = `<div class="empty">${t('loading')}</div>`;
  page.dataset.ready = 'false';
  setStatus('');
  showDay('');
  try {
    await RENDERERS[state.page].render(page);
    page.dataset.ready = 'true';
  } catch (e) {
    page.innerHTML = '';
    page.dataset.ready = 'error';
    setStatus(`${e.status === 404 ? t('unknown') : t('error')}: ${e.message}`, true);
  }
}

async function start() {
  readHash();
  translateStatic();
  if (!state.key) { $('login').hidden = false; return; }
  try {
    session.me = await api('me');
  } catch (e) {
    $('login').hidden = false;
    setStatus(`${t('no_key')}: ${e.message}`, true);
    return;
  }
  const me = session.me;
  $('login').hidden = true;
  sessionStorage.setItem('aips-key', state.key);
  if (!me.brands.length) { setStatus(t('empty')); return; }
  checkBrand();
  // No date is chosen until the user picks one: each page then asks without one and shows the day the
  // server's default (the CLI's) answered for.
  $('brand').innerHTML = me.brands
    .map((b) => `<option ${b === state.brand ? 'selected' : ''}>${esc(b)}</option>`).join('');
  $('date').value = state.date;
  if (me.first_day) $('date').min = me.first_day;
  await loadSpus();
  render();
}

function wire() {
  setRenderHook(render);
  $('tabs').addEventListener('click', (e) => {
    const p = e.target.dataset.page;
    if (p) { e.preventDefault(); state.page = p; render(); }
  });
  $('brand').addEventListener('change', async (e) => {
    state.brand = e.target.value;
    $('notice').hidden = true;
    state.spu = '';
    await loadSpus().catch(() => {});
    render();
  });
  $('spu').addEventListener('change', (e) => { state.spu = e.target.value; render(); });
  // A text box also reports a change when it loses focus: render only when the day differs.
  $('datebox').outerHTML = dateField('date', 'date-picker', '');
  bindDateField('date', (day) => { if (day !== state.date) { state.date = day; render(); } });
  $('lang').addEventListener('click', () => { state.lang = state.lang === 'zh' ? 'en' : 'zh'; render(); });
  $('keyform').addEventListener('submit', (e) => {
    e.preventDefault();
    state.key = $('keyinput').value.trim();
    writeHash();
    start();
  });
  window.addEventListener('hashchange', () => {
    const before = { ...state };
    readHash();
    if (state.key !== before.key || state.brand !== before.brand) start();
    else if (['page', 'spu', 'date', 'from', 'lang'].some((k) => state[k] !== before[k])) render();
  });
}

wire();
start();
