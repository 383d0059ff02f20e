// 渗透率 penetration: the category crowd, the A+ and TI+ penetration of the brand (cards and bars by
// stage), and the category benchmark of /compare (each measure's value, rank, percentile, top-3 average).
import { api } from '../core/api.js';
import { COLORS, GRID, STAGES, categoryAxis, chart, rateAxis, rateTooltip } from '../core/charts.js';
import { $, card, cards, cells, chartBox, panel, table } from '../core/dom.js';
import { esc, fmt, pct } from '../core/format.js';
import { t } from '../core/i18n.js';
import { scope, state } from '../core/state.js';

const KEYS = [...STAGES, 'A+', 'TI+'];

function summaryCards(p) {
  const crowd = card({ label: `${t('category_crowd')} ${esc(p.category ?? '')}`, value: fmt(p.category_crowd),
    testid: 'value-category_crowd' });
  const rates = ['A+', 'TI+'].map((k) => card({
    label: `${k} ${t('penetration_rate')}`, value: pct(p.rates[k]), testid: `value-${k}`,
    note: `${fmt(p[k])} ${t('people')}`,
  }));
  return cards([crowd, ...rates]);
}

// A measure whose name says penetration is a rate; the others are counts of users.
function benchmarkRow(m, cmp) {
  const rate = m.measure.includes('penetration');
  const v = m.values[state.brand];
  const top = rate ? pct(m.category_top_avg) : fmt(Math.round(m.category_top_avg));
  return `<tr>${cells([t(m.measure), rate ? pct(v) : fmt(v), `${m.rank}/${cmp.brands_in_category}`,
    m.percentile.toFixed(0), top])}</tr>`;
}

function benchmark(cmp) {
  const heads = [t('measure'), esc(state.brand), t('rank'), t('percentile'), t('top_avg')];
  return panel(`${t('benchmark')} · ${esc(cmp.category)} (${cmp.brands_in_category})`,
    table(heads, cmp.measures.map((m) => benchmarkRow(m, cmp)).join('')));
}

export async function render(page) {
  const [p, cmp] = await Promise.all([
    api('penetration', { ...scope(), date: state.date }),
    api('compare', { brand: state.brand, date: state.date }),
  ]);
  page.innerHTML = summaryCards(p) + panel(t('penetration'), chartBox('penchart')) + benchmark(cmp);
  chart($('penchart'), {
    grid: GRID, tooltip: rateTooltip,
    xAxis: categoryAxis(t('stage_axis'), KEYS.map(t)), yAxis: rateAxis(t('rate_axis')),
    series: [{ type: 'bar', name: t('penetration_rate'),
      data: KEYS.map((k) => ({ value: p.rates[k], itemStyle: { color: COLORS[k] || '#ff2442' } })),
      label: { show: true, position: 'top', formatter: (x) => pct(x.value) } }],
  });
}
