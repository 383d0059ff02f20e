// 人群包 crowds: a crowd expression from a preset (复投 re-delivery, 流失召回 win-back, 竞品收割 conquest)
// or typed, its live count and TGI portrait, saving it as a named crowd and exporting it; the saved crowds.
import { api, apiBlob, apiPost } from '../core/api.js';
import { $, card, cards, cells, panel, table } from '../core/dom.js';
import { addDays, esc, fixed, fmt, pct } from '../core/format.js';
import { t, tagLabel } from '../core/i18n.js';
import { inData, rerender, session, state } from '../core/state.js';

const ALL = '[A, I, TI, P, S]';

function presetExpr(preset, competitor) {
  const b = state.brand;
  const d = state.date;
  return {
    redelivery: `stage(brand: "${b}", date: "${d}") in [TI]`,
    lost: `flowed(brand: "${b}", from: "${inData(addDays(d, -30))}", to: "${d}", from_stage: ${ALL}, ` +
      'to_stage: [none])',
    conquest: `stage(brand: "${competitor}", date: "${d}") in [TI, P, S] and not stage(brand: "${b}", ` +
      `date: "${d}") in ${ALL}`,
  }[preset];
}

function builder(others) {
  const presets = [['redelivery', 'redelivery'], ['lost', 'preset_lost']];
  if (others.length) presets.push(['conquest', 'conquest']);
  const options = presets.map(([v, k]) => `<option value="${v}">${t(k)}</option>`).join('');
  const competitor = others.length ? `<label>${t('competitor')} <select id="competitor">` +
    `${others.map((b) => `<option>${esc(b)}</option>`).join('')}</select></label>` : '';
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

async function recount() {
  const countEl = document.querySelector('[data-testid=crowd-count]');
  try {
    const r = await api('crowd/count', { expr: $('expr').value });
    countEl.textContent = fmt(r.count);
    $('crowderr').textContent = '';
    const p = await api('crowd/portrait', { expr: $('expr').value }).catch((e) => ({ error: e.message }));
    $('portrait').innerHTML = p.error ? `<div class="note">${esc(p.error)}</div>` : portraitTable(p);
  } catch (e) {
    countEl.textContent = '—';
    $('crowderr').textContent = e.message;
  }
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
  const fromPreset = () => {
    $('expr').value = presetExpr($('preset').value, $('competitor') ? $('competitor').value : '');
    return recount();
  };
  $('preset').addEventListener('change', fromPreset);
  if ($('competitor')) $('competitor').addEventListener('change', fromPreset);
  $('expr').addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(recount, 300); });
  $('savecrowd').addEventListener('click', save);
  $('exportcrowd').addEventListener('click', exportCsv);
  return fromPreset;
}

export async function render(page) {
  const others = session.me.brands.filter((b) => b !== state.brand);
  const saved = await api('crowds');
  const portrait = panel(t('portrait'), '<div id="portrait" data-testid="portrait"></div>');
  page.innerHTML = builder(others) + portrait + savedTable(saved);
  await wire()();
}
