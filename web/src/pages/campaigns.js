// 投放效果 campaigns: each campaign's flight, reach, spend, new I and TI with their unit costs (CPI, CPTI),
// new P, GMV and buyers with ROI(T+x) and its provisional flag; the reached (seeded) group against the
// brand's other asset; charts of spend against GMV, and of unit costs with ROI. The figures count over
// different windows (new P: the flight; GMV and buyers: T+x from each user's first reach; the seeded
// table: the flight's start through T+x), which the column tips and the notes under the tables say.
import { ApiError, api } from '../core/api.js';
import { GRID, categoryAxis, chart, moneyAxis, moneyTooltip, ratioAxis } from '../core/charts.js';
import { $, cells, chartBox, explain, headTip, noData, panel, table } from '../core/dom.js';
import { esc, fixed, fmt, money, pct } from '../core/format.js';
import { t } from '../core/i18n.js';
import { state } from '../core/state.js';

const HEADS = [
  'campaign', 'flight', 'reach', 'spend', 'new_I', 'cpi', 'new_TI', 'cpti', 'new_P', 'gmv', 'buyers', 'roi',
];
const IN_YUAN = new Set(['spend', 'cpi', 'cpti', 'gmv']);
// Columns whose window differs from a neighbour's: each has a tooltip saying which days it counts.
const TIPS = { new_P: 'new_P_tip', gmv: 'gmv_tip', buyers: 'buyers_tip', roi: 'roi_tip' };

function head(k) {
  const label = IN_YUAN.has(k) ? `${t(k)} (¥)` : t(k);
  return TIPS[k] ? headTip(label, t(TIPS[k])) : label;
}

function campaignRow(x) {
  const c = esc(x.campaign);
  const flag = x.provisional ? `<span class="tag">${t('provisional')}</span>` : '';
  const f = x.forecast;
  const ahead = f && f.roi !== null
    ? `<br><span class="tag warn" data-testid="forecast-roi-${c}" title="${esc(t('forecast_roi_tip'))}">` +
      `${t('forecast')} ${fixed(f.roi, 2)} [${fixed(f.roi_low80, 2)}, ${fixed(f.roi_high80, 2)}]</span>`
    : '';
  return `<tr data-testid="campaign-${c}"><td>${c}</td><td>${x.flight.start} … ${x.flight.end}</td>` +
    `<td>${fmt(x.reach)}</td><td>${money(x.spend)}</td><td>${fmt(x.new_I)}</td>` +
    `<td data-testid="cpi-${c}">${money(x.cpi)}</td><td>${fmt(x.new_TI)}</td><td>${money(x.cpti)}</td>` +
    `<td data-testid="newp-${c}">${fmt(x.new_P)}</td>` +
    `<td data-testid="gmv-${c}">${money(x.gmv)}</td><td data-testid="buyers-${c}">${fmt(x.buyers)}</td>` +
    `<td data-testid="roi-${c}">${fixed(x.roi, 2)} <span class="note">T+${x.x_days}</span> ${flag}${ahead}</td></tr>`;
}

// The reached group (seeded) against the brand's asset outside it, buyers over [flight start, end + x].
function seededRow(x) {
  const c = esc(x.campaign);
  const side = (g, who) => `<td data-testid="${who}-buyers-${c}">${fmt(g.buyers)}</td>` +
    cells([fmt(g.users), pct(g.conversion_rate), money(g.gmv)]);
  return `<tr><td>${c}</td><td>${x.flight.start} … ${x.window_end}</td>` +
    `${side(x.seeded, 'seeded')}${side(x.unseeded, 'unseeded')}</tr>`;
}

function seededTable(list) {
  const group = ['buyers', 'users', 'conversion', 'gmv_yuan'].map(t);
  const heads = [t('campaign'), t('buy_window'), ...group.map((h) => `${t('seeded')} ${h}`),
    ...group.map((h) => `${t('unseeded')} ${h}`)];
  return panel(t('seeded_title'), table(heads, list.map(seededRow).join(''), 'seeded-table') +
    explain(t('seeded_note'), 'seeded-note'));
}

function spendChart(list) {
  chart($('spendchart'), {
    grid: GRID, tooltip: moneyTooltip, legend: { data: [t('spend'), t('gmv')] },
    xAxis: categoryAxis(t('campaign'), list.map((x) => x.campaign)), yAxis: moneyAxis(t('yuan')),
    series: [
      { name: t('spend'), type: 'bar', itemStyle: { color: '#9db4d8' }, data: list.map((x) => x.spend) },
      { name: t('gmv'), type: 'bar', itemStyle: { color: '#ff2442' }, data: list.map((x) => x.gmv) },
    ],
  });
}

function unitCostChart(list) {
  const tip = (v, name) => (name === 'ROI' ? fixed(v, 2) : v === null ? '—' : `¥${money(v)}`);
  chart($('campchart'), {
    grid: GRID, legend: { data: ['CPI', 'CPTI', 'ROI'] },
    tooltip: { trigger: 'axis', formatter: (ps) => unitCostTip(ps, tip) },
    xAxis: categoryAxis(t('campaign'), list.map((x) => x.campaign)),
    yAxis: [moneyAxis(t('cost_per_user')), { ...ratioAxis(t('roi_axis')), splitLine: { show: false } }],
    series: [{ name: 'CPI', type: 'bar', data: list.map((x) => x.cpi) },
      { name: 'CPTI', type: 'bar', data: list.map((x) => x.cpti) },
      { name: 'ROI', type: 'line', yAxisIndex: 1, data: list.map((x) => x.roi) }],
  });
}

function unitCostTip(params, tip) {
  const lines = params.map((p) => `${p.marker}${p.seriesName}: ${tip(p.value, p.seriesName)}`);
  return [esc(params[0].axisValue), ...lines].join('<br>');
}

// 增量 lift per campaign: against its randomised holdout when it has experiment assignments, else by the
// matched design (observational, labelled so): the lift of TI and P with their 95% intervals, incremental CPTI
// and iROI(T+x).
const pp = (v) => (v === null || v === undefined ? '—' : `${v >= 0 ? '+' : ''}${(v * 100).toFixed(2)} pp`);
const ci = (s) => (s.ci_low === null ? '—' : `[${pp(s.ci_low)}, ${pp(s.ci_high)}]`);

function liftRow(name, l) {
  const c = esc(name);
  if (!l) return `<tr data-testid="lift-${c}"><td>${c}</td><td colspan="8" class="note">${t('no_holdout')}</td></tr>`;
  const flag = l.maturing ? ` <span class="tag">${t('maturing')}</span>` : '';
  const contamination = l.control_reached ? ` <span class="tag">${t('contaminated')} ${fmt(l.control_reached)}</span>` : '';
  const observational = l.observational ? ` <span class="tag warn">${t('observational')}</span>` : '';
  const groups = l.observational
    ? `${fmt(l.matched.matched_reached)} / ${fmt(l.matched.matched_pool)}` +
      (l.matched.unmatched_reached ? ` <span class="note">${t('unmatched_reached')} ${fmt(l.matched.unmatched_reached)}</span>` : '')
    : `${fmt(l.treatment_size)} / ${fmt(l.control_size)}${contamination}`;
  return `<tr data-testid="lift-${c}"><td>${c}</td>` +
    `<td data-testid="lift-design-${c}">${t('design_' + l.design)}${observational}${flag}</td>` +
    `<td data-testid="lift-groups-${c}">${groups}</td>` +
    `<td data-testid="lift-ti-${c}">${pp(l.stages.TI.lift)}</td><td data-testid="lift-ti-ci-${c}">${ci(l.stages.TI)}</td>` +
    `<td data-testid="lift-p-${c}">${pp(l.stages.P.lift)}</td><td>${ci(l.stages.P)}</td>` +
    `<td data-testid="icpti-${c}">${money(l.icpti)}</td>` +
    `<td data-testid="iroi-${c}">${fixed(l.iroi, 2)} <span class="note">T+${l.x}</span></td></tr>`;
}

async function liftOf(name) {
  try {
    return await api('lift', { campaign: name });
  } catch (e) {
    if (e instanceof ApiError && e.status === 400) return null;  // not measurable
    throw e;
  }
}

async function liftTable(list) {
  const lifts = await Promise.all(list.map((x) => liftOf(x.campaign)));
  const heads = ['campaign', 'design', 'groups', 'lift_TI', 'interval_95', 'lift_P', 'interval_95', 'icpti', 'iroi']
    .map((k) => (k === 'groups' ? headTip(t(k), t('groups_tip')) : t(k)));
  return panel(t('lift_title'), table(heads, list.map((x, i) => liftRow(x.campaign, lifts[i])).join(''), 'lift-table') +
    explain(t('lift_note'), 'lift-note'));
}

export async function render(page) {
  const c = await api('campaigns', { brand: state.brand });
  if (!c.campaigns.length) { page.innerHTML = noData(esc(state.brand)); return; }
  const lift = await liftTable(c.campaigns);
  page.innerHTML = panel('', table(HEADS.map(head), c.campaigns.map(campaignRow).join('')) +
      explain(t('windows_note'), 'windows-note') + explain(t('attribution'))) +
    lift + seededTable(c.campaigns) +
    `<div class="row">${panel(t('spend_gmv'), chartBox('spendchart'))}` +
    `${panel(`${t('unit_costs')} · CPI / CPTI / ROI`, chartBox('campchart'))}</div>`;
  spendChart(c.campaigns);
  unitCostChart(c.campaigns);
}
