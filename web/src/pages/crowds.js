// 人群包 crowds: a crowd expression from a preset (复投 re-delivery, 流失召回 win-back, 竞品收割 conquest)
// or typed, its live count and TGI portrait, saving it as a named crowd and exporting it; the saved crowds.
// A preset is resolved by the server (its default day, the CLI's, unless a date is chosen), and the
// expression it answers with is shown. The competitor picker offers the key's brands of the same category
// first; when there is none it asks for a choice instead of picking a brand of another category.
import { api, apiBlob, apiPost } from '../core/api.js';
import { $, card, cards, cells, panel, table } from '../core/dom.js';
import { esc, fixed, fmt, pct } from '../core/format.js';
import { t, tagLabel, tf } from '../core/i18n.js';
import { brandInfo, rerender, session, state } from '../core/state.js';

const categoryOf = (b) => (session.info?.brands ?? []).find((x) => x.brand === b)?.category ?? null;

// The competitor options: same-category brands first (the first is the default), then the others with
// their category named; without a same-category brand, an empty first option asks for a choice.
function competitorOptions(others) {
  const mine = brandInfo()?.category ?? null;
  const same = others.filter((b) => categoryOf(b) === mine);
  const rest = others.filter((b) => categoryOf(b) !== mine);
  const ask = same.length ? '' : `<option value="">${t('pick_competitor')}</option>`;
  return ask + same.map((b) => `<option value="${esc(b)}">${esc(b)}</option>`).join('') +
    rest.map((b) => `<option value="${esc(b)}">${esc(b)} · ${esc(categoryOf(b) ?? '—')}</option>`).join('');
}

function builder(others) {
  const presets = [['redelivery', 'redelivery'], ['lost', 'preset_lost']];
  if (others.length) presets.push(['conquest', 'conquest']);
  const options = presets.map(([v, k]) => `<option value="${v}">${t(k)}</option>`).join('');
  const competitor = others.length ? `<label>${t('competitor')} <select id="competitor" ` +
    `data-testid="competitor">${competitorOptions(others)}</select></label>` : '';
  const count = card({ label: t('count'), value: '—', testid: 'crowd-count', note: '', noteId: 'crowderr' });
  return panel(t('crowds'),
    `<p><label>${t('preset')} <select id="preset" data-testid="crowd-preset">${options}</select></label>` +
    ` ${competitor}</p>` +
    '<textarea id="expr" rows="3" style="width:100%;font-family:monospace" data-testid="crowd-expr">' +
    '</textarea>' +
    cards([count], 'margin-top:12px') +
    `<p><input id="crowdname" placeholder="${t('name')}"> <button id="savecrowd">${t('save')}</button> ` +
    `<button id="exportcrowd">${t('export')}</button></p>`);
}

function savedTable(saved) {
  const rows = saved.crowds.map((c) => `<tr>${cells([esc(c.name), c.version, fmt(c.size)])}` +
    `<td style="text-align:left;font-family:monospace">${esc(c.definition)}</td></tr>`).join('');
  return panel(t('saved'), table([t('name'), t('version'), t('size'), t('definition')], rows));
}

function portraitTable(p) {
  const rows = p.tags.map((x) => `<tr>${cells([esc(tagLabel(x.tag)), fmt(x.count), pct(x.share),
    pct(x.base_share), fixed(x.tgi, 0)])}</tr>`).join('');
  return table([t('tag'), t('count'), t('share'), t('base_share'), 'TGI'], rows);
}

// Shows the count answer R (or the error E) and the portrait of the expression in the box.
async function showCount(r, e) {
  const countEl = document.querySelector('[data-testid=crowd-count]');
  countEl.textContent = e ? '—' : fmt(r.count);
  $('crowderr').textContent = e ? e.message : '';
  if (e) { $('portrait').innerHTML = ''; return; }
  const p = await api('crowd/portrait', { expr: $('expr').value }).catch((x) => ({ error: x.message }));
  $('portrait').innerHTML = p.error ? `<div class="note">${esc(p.error)}</div>` : portraitTable(p);
}

async function recount() {
  try {
    await showCount(await api('crowd/count', { expr: $('expr').value }));
  } catch (e) { showCount(null, e); }
}

// A preset asks the server, which fills in its days; the expression it resolved goes in the box.
async function fromPreset() {
  const preset = $('preset').value;
  const competitor = preset === 'conquest' ? $('competitor').value : '';
  if (preset === 'conquest' && !competitor) {
    $('expr').value = '';
    showCount(null, { message: tf('no_same_category', { category: brandInfo()?.category ?? '—' }) });
    return;
  }
  try {
    const r = await api('crowd/count', { preset, brand: state.brand, competitor, date: state.date });
    $('expr').value = r.expr;
    await showCount(r);
  } catch (e) { showCount(null, e); }
}

async function save() {
  const name = $('crowdname').value.trim();
  if (!name) return;
  const { ok, body } = await apiPost('crowds', { name, expr: $('expr').value });
  if (!ok) { $('crowderr').textContent = body.error; return; }
  rerender();
}

async function exportCsv() {
  const r = await apiBlob('crowd/export', { expr: $('expr').value });
  if (!r.ok) { $('crowderr').textContent = r.error; return; }
  const a = document.createElement('a');
  a.href = URL.createObjectURL(r.blob);
  a.download = `${state.brand}-crowd.csv`;
  a.click();
}

function wire() {
  let timer = null;
  $('preset').addEventListener('change', fromPreset);
  if ($('competitor')) $('competitor').addEventListener('change', fromPreset);
  $('expr').addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(recount, 300); });
  $('savecrowd').addEventListener('click', save);
  $('exportcrowd').addEventListener('click', exportCsv);
}

export async function render(page) {
  const others = session.me.brands.filter((b) => b !== state.brand);
  const saved = await api('crowds');
  const portrait = panel(t('portrait'), '<div id="portrait" data-testid="portrait"></div>');
  page.innerHTML = builder(others) + portrait + savedTable(saved);
  wire();
  await fromPreset();
}
