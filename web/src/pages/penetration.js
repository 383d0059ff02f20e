// 渗透率 penetration: the category crowd, the A+ and TI+ penetration of the brand (cards and bars by
// stage), and the category benchmark of /compare (each measure's value, rank by value, percentile, top-3
// average, and whether a lower or a higher value is the better one). Counts here are of the brand's members
// inside the category crowd, so they can be below the 人群资产 page's (a note says why).
import { api } from '../core/api.js';
import { COLORS, GRID, STAGES, categoryAxis, chart, rateAxis, rateTooltip } from '../core/charts.js';
import {
  $, card, cards, cells, chartBox, explain, headTip, noData, panel, showDay, table,
} from '../core/dom.js';
import { esc, fmt, pct } from '../core/format.js';
import { t, tf } from '../core/i18n.js';
import { windowDays } from '../core/rules.js';
import { scope, state } from '../core/state.js';

const KEYS = [...STAGES, 'A+', 'TI+'];
// Measures where fewer is better (users leaving the asset or falling back); the others: more is better.
// Each measure of /compare says its direction (`better`: "higher" or "lower"), and then its rank,
// percentile and top-N average count in that direction (rank 1 = the best). An answer without it ranks
// by value (rank 1 = the highest): the page then decides the direction from the measure's name, and the
// headings say which way the ranks count (the test checks the server's ranks against the headings).
const LOWER_IS_BETTER = new Set(['lost', 'fell_back']);
const lowerIsBetter = (m) => (m.better ? m.better === 'lower' : LOWER_IS_BETTER.has(m.measure));
const basis = (cmp) => (cmp.measures.some((m) => m.better) ? 'best' : 'value');

function summaryCards(p) {
  const crowd = card({ label: `${t('category_crowd')} ${esc(p.category ?? '')}`, value: fmt(p.category_crowd),
    testid: 'value-category_crowd' });
  const rates = ['A+', 'TI+'].map((k) => card({
    label: `${k} ${t('penetration_rate')}`, value: pct(p.rates[k]), testid: `value-${k}`,
    note: `${fmt(p[k])} ${t('people')}`,
  }));
  return cards([crowd, ...rates]);
}

// Why S (and every stage) here can be below the stage sizes of the 人群资产 page.
function crowdNote(p) {
  const crowd = windowDays('crowd', p.category);
  const s = windowDays('stages.S', p.category);
  return explain(tf('pen_vs_stages', { crowd: crowd ?? '—', s: s ?? '—', date: p.date }), 'pen-note');
}

function direction(m) {
  const lower = lowerIsBetter(m);
  return `<td data-testid="better-${esc(m.measure)}">${lower ? '↓ ' + t('lower_better') : '↑ ' +
    t('higher_better')}</td>`;
}

// A measure whose name says penetration is a rate; the others are counts of users.
function benchmarkRow(m, cmp) {
  const rate = m.measure.includes('penetration');
  const v = m.values[state.brand];
  const top = rate ? pct(m.category_top_avg) : fmt(Math.round(m.category_top_avg));
  return `<tr>${cells([t(m.measure), rate ? pct(v) : fmt(v), `${m.rank}/${cmp.brands_in_category}`,
    m.percentile.toFixed(0), top])}${direction(m)}</tr>`;
}

function benchmark(cmp) {
  const b = basis(cmp);
  const heads = [t('measure'), esc(state.brand), headTip(t(`rank_${b}`), t(`rank_${b}_tip`)),
    headTip(t(`percentile_${b}`), t(`percentile_${b}_tip`)), headTip(t('top_avg'), t(`top_avg_${b}_tip`)),
    t('better')];
  const title = `${t('benchmark')} · ${esc(cmp.category)} (${cmp.brands_in_category})` +
    ` · ${cmp.from} – ${cmp.date}`;
  return panel(title,
    table(heads, cmp.measures.map((m) => benchmarkRow(m, cmp)).join(''), 'benchmark') +
    explain(t(`rank_${b}_note`)));
}

function rateChart(p) {
  chart($('penchart'), {
    grid: GRID, tooltip: rateTooltip,
    xAxis: categoryAxis(t('stage_axis'), KEYS.map(t)), yAxis: rateAxis(t('rate_axis')),
    series: [{ type: 'bar', name: t('penetration_rate'),
      data: KEYS.map((k) => ({ value: p.rates[k], itemStyle: { color: COLORS[k] || '#ff2442' } })),
      label: { show: true, position: 'top', formatter: (x) => `${pct(x.value)}\n${fmt(p[KEYS[x.dataIndex]])}`,
      },
    }],
  });
}

export async function render(page) {
  const [p, cmp] = await Promise.all([
    api('penetration', { ...scope(), date: state.date }),
    api('compare', { brand: state.brand, date: state.date }),
  ]);
  showDay(p.date);
  if (!p.category_crowd || !p['A+']) { page.innerHTML = noData(`${esc(state.brand)} · ${p.date}`); return; }
  page.innerHTML = summaryCards(p) + panel(`${t('penetration')} · ${p.date}`, chartBox('penchart') +
    crowdNote(p)) + benchmark(cmp);
  rateChart(p);
}
