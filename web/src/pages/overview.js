// 人群资产 overview: a card per stage and the asset total, each with its change over 30 days, and the
// stacked 90-day trend of the brand (or SPU).
import { api } from '../core/api.js';
import { COLORS, GRID, STAGES, categoryAxis, chart, countAxis, countTooltip } from '../core/charts.js';
import { $, card, cards, chartBox, panel } from '../core/dom.js';
import { addDays, esc, fmt, signed } from '../core/format.js';
import { t } from '../core/i18n.js';
import { inData, scope, state } from '../core/state.js';

function stageCard(key, now, before, prev) {
  const d = now - before;
  return card({ label: t(key), value: fmt(now), testid: `value-${key}`, cardTestid: `stage-${key}`,
    note: `${signed(d)} ${t('vs')} ${prev}`, noteClass: `delta ${d >= 0 ? 'up' : 'down'}` });
}

function trendChart(trend) {
  chart($('trendchart'), {
    grid: GRID, tooltip: countTooltip, legend: { data: STAGES.map(t) },
    xAxis: categoryAxis(t('date'), trend.days.map((d) => d.date)), yAxis: countAxis(t('users')),
    series: STAGES.map((s) => ({ name: t(s), type: 'line', stack: 'asset', areaStyle: {}, symbol: 'none',
      itemStyle: { color: COLORS[s] }, data: trend.days.map((d) => d.stages[s]) })),
  });
}

export async function render(page) {
  const prev = inData(addDays(state.date, -30));
  const [now, before, trend] = await Promise.all([
    api('stages', { ...scope(), date: state.date }),
    api('stages', { ...scope(), date: prev }),
    api('trend', { ...scope(), from: inData(addDays(state.date, -89)), to: state.date }),
  ]);
  const items = STAGES.map((s) => stageCard(s, now.stages[s], before.stages[s], prev));
  items.push(stageCard('total', now.total, before.total, prev));
  const title = `${t('trend')} · ${esc(state.brand)}${state.spu ? ' · ' + esc(state.spu) : ''}`;
  page.innerHTML = cards(items) + panel(title, chartBox('trendchart'));
  trendChart(trend);
}
