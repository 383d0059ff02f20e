// 投放效果 campaigns: each campaign's flight, reach, spend, new I and TI with their unit costs (CPI, CPTI),
// GMV and ROI(T+x) with its provisional flag; charts of spend against GMV, and of unit costs with ROI.
import { api } from '../core/api.js';
import { GRID, categoryAxis, chart, moneyAxis, moneyTooltip, ratioAxis } from '../core/charts.js';
import { $, chartBox, panel, table } from '../core/dom.js';
import { esc, fixed, fmt, money } from '../core/format.js';
import { t } from '../core/i18n.js';
import { state } from '../core/state.js';

const HEADS = ['campaign', 'flight', 'reach', 'spend', 'new_I', 'cpi', 'new_TI', 'cpti', 'gmv', 'roi'];
const IN_YUAN = new Set(['spend', 'cpi', 'cpti', 'gmv']);

function campaignRow(x) {
  const c = esc(x.campaign);
  const flag = x.provisional ? `<span class="tag">${t('provisional')}</span>` : '';
  return `<tr data-testid="campaign-${c}"><td>${c}</td><td>${x.flight.start} … ${x.flight.end}</td>` +
    `<td>${fmt(x.reach)}</td><td>${money(x.spend)}</td><td>${fmt(x.new_I)}</td>` +
    `<td data-testid="cpi-${c}">${money(x.cpi)}</td><td>${fmt(x.new_TI)}</td><td>${money(x.cpti)}</td>` +
    `<td>${money(x.gmv)}</td>` +
    `<td data-testid="roi-${c}">${fixed(x.roi, 2)} <span class="note">T+${x.x_days}</span> ${flag}</td></tr>`;
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

export async function render(page) {
  const c = await api('campaigns', { brand: state.brand });
  if (!c.campaigns.length) { page.innerHTML = `<div class="empty">${t('empty')}</div>`; return; }
  const heads = HEADS.map((k) => (IN_YUAN.has(k) ? `${t(k)} (¥)` : t(k)));
  page.innerHTML = panel('', table(heads, c.campaigns.map(campaignRow).join('')) +
      `<p class="note">${t('attribution')}</p>`) +
    `<div class="row">${panel(t('spend_gmv'), chartBox('spendchart'))}` +
    `${panel(`${t('unit_costs')} · CPI / CPTI / ROI`, chartBox('campchart'))}</div>`;
  spendChart(c.campaigns);
  unitCostChart(c.campaigns);
}
