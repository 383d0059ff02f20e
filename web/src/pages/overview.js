// 人群资产 overview: a card per stage and the asset total, each with its change over 30 days, and the
// daily trend of the brand (or SPU) over the period the server answers for (the CLI's default: the 30
// days ending on the day shown). Without a chosen date the server's default day decides; days before the
// brand's data begins are marked, not drawn as growth from zero.
import { api } from '../core/api.js';
import { COLORS, GRID, STAGES, categoryAxis, chart, countAxis, countTooltip } from '../core/charts.js';
import { $, card, cards, chartBox, explain, noData, panel, showDay } from '../core/dom.js';
import { addDays, esc, fmt, signed } from '../core/format.js';
import { t, tf } from '../core/i18n.js';
import { windowDays } from '../core/rules.js';
import { brandInfo, inData, scope, session, state } from '../core/state.js';

// The change since PREV; without BEFORE (PREV is before the data, so not asked) or with a PREV before the
// brand's first day with data there is nothing to compare with; a PREV within the first FILL days after it
// (stage windows still filling) is compared but not coloured.
function stageCard(key, now, before, prev, begins, fill) {
  const d = before ? now - before[key] : 0;
  const early = !before || (begins && prev < begins);
  const filling = begins && !early && prev < addDays(begins, fill);
  const note = early ? tf('before_data', { day: begins ?? session.me.first_day })
    : `${signed(d)} ${t('vs')} ${prev}${filling ? ` (${t('windows_filling')})` : ''}`;
  const cls = early || filling || d === 0 ? 'flat' : d > 0 ? 'up' : 'down';
  const category = brandInfo()?.category;
  const title = key === 'S' ? tf('s_counts_all', { days: windowDays('stages.S', category) ?? '—',
    crowd: windowDays('crowd', category) ?? '—' }) : undefined;
  return card({ label: t(key), value: fmt(now), testid: `value-${key}`, cardTestid: `stage-${key}`,
    note, noteClass: `delta ${cls}`, title });
}

// Days before BEGINS carry no data: left out of the lines (null) and marked by a line at BEGINS; the first
// FILL days after it (the longest window of A..P) are shaded: the stages' windows are still filling there.
// The shade's label says where the data begins (the line's own label would cover the axis title).
function dataStart(trend, begins, fill) {
  if (!begins || addDays(begins, fill) <= trend.from) return {};
  const end = addDays(begins, fill - 1) < trend.to ? addDays(begins, fill - 1) : trend.to;
  const markLine = { symbol: 'none', lineStyle: { color: '#6b7385' }, label: { show: false },
    data: [{ xAxis: begins }] };
  const label = begins >= trend.from ? `${tf('data_begins', { day: begins })} · ${t('windows_filling')}`
    : t('windows_filling');
  const markArea = { itemStyle: { color: 'rgba(107,115,133,0.08)' },
    label: { formatter: label, color: '#6b7385', position: 'insideTop' },
    data: [[{ xAxis: begins < trend.from ? trend.from : begins }, { xAxis: end }]] };
  return { markLine: begins >= trend.from ? markLine : undefined, markArea };
}

function trendChart(trend, begins, fill) {
  const before = (day) => Boolean(begins) && day < begins;
  const marks = dataStart(trend, begins, fill);
  chart($('trendchart'), {
    grid: GRID, tooltip: countTooltip, legend: { data: STAGES.map(t) },
    xAxis: categoryAxis(t('date'), trend.days.map((d) => d.date)), yAxis: countAxis(t('users')),
    series: STAGES.map((s, i) => ({ name: t(s), type: 'line', stack: 'asset', areaStyle: {}, symbol: 'none',
      itemStyle: { color: COLORS[s] }, ...(i === 0 ? marks : {}),
      data: trend.days.map((d) => (before(d.date) ? null : d.stages[s])) })),
  });
}

const empty = (...answers) => answers.every((a) => !a?.total);

// 预判: of the TI crowd on the day shown, the buyers expected in the next x days, cumulative, with the 80%
// band (GET /api/v1/forecast: only events up to that day are used).
function forecastChart(f) {
  const days = f.curve.map((p) => p.date);
  chart($('forecastchart'), {
    grid: GRID, tooltip: countTooltip, legend: { data: [t('forecast_expected'), t('forecast_band')] },
    xAxis: categoryAxis(t('date'), days), yAxis: countAxis(t('buyers')),
    series: [
      { name: 'low', type: 'line', stack: 'band', symbol: 'none', lineStyle: { opacity: 0 },
        data: f.curve.map((p) => p.low80), tooltip: { show: false } },
      { name: t('forecast_band'), type: 'line', stack: 'band', symbol: 'none', lineStyle: { opacity: 0 },
        areaStyle: { color: '#ffccd3' }, itemStyle: { color: '#ffccd3' }, data: f.curve.map((p) => p.high80 - p.low80) },
      { name: t('forecast_expected'), type: 'line', symbol: 'none', itemStyle: { color: '#ff2442' },
        lineStyle: { type: 'dashed' }, data: f.curve.map((p) => Number(p.expected.toFixed(1))) },
    ],
  });
}

function forecastPanel(f) {
  const title = `${tf('forecast_title', { x: f.x })} · ${esc(f.stage)} · ${f.window.from} – ${f.window.to}`;
  if (f.expected_buyers === null) {
    return panel(title, explain(`${t('forecast_none')}: ${esc(f.reason ?? '')}`, 'forecast-none'));
  }
  const summary = `<p data-testid="forecast-summary">${tf('forecast_summary', {
    members: fmt(f.members), stage: esc(f.stage), date: f.date, x: f.x,
    expected: f.expected_buyers.toFixed(1), low: fmt(f.low80), high: fmt(f.high80),
    low95: fmt(f.low95), high95: fmt(f.high95) })}</p>`;
  return panel(title, summary + chartBox('forecastchart') + explain(t('forecast_note'), 'forecast-note'));
}

// Stage sizes by key (A..S and total) of a stages answer; null without one.
const sizes = (a) => (a ? { ...a.stages, total: a.total } : null);

export async function render(page) {
  const now = await api('stages', { ...scope(), date: state.date });
  const prev = addDays(now.date, -30);
  const [before, trend, forecast] = await Promise.all([
    inData(prev) ? api('stages', { ...scope(), date: prev }) : null,
    api('trend', { ...scope(), to: state.date }),
    api('forecast', { ...scope(), date: now.date }),
  ]);
  showDay(now.date);
  if (empty(now, before, ...trend.days)) {
    page.innerHTML = noData(`${esc(state.brand)} · ${trend.from} – ${trend.to}`);
    return;
  }
  const begins = brandInfo()?.first_day;
  const category = brandInfo()?.category;
  const fill = Math.max(...['A', 'I', 'TI', 'P'].map((s) => windowDays(`stages.${s}`, category) ?? 30));
  const was = sizes(before);
  const items = [...STAGES, 'total'].map((k) => stageCard(k, sizes(now)[k], was, prev, begins, fill));
  const title = `${t('trend')} · ${esc(state.brand)}${state.spu ? ' · ' + esc(state.spu) : ''}` +
    ` · ${trend.from} – ${trend.to}`;
  const early = begins && trend.from < addDays(begins, fill);
  const note = early ? explain(tf('data_begins_note', { day: begins, days: fill }), 'data-begins') : '';
  page.innerHTML = cards(items) + panel(title, chartBox('trendchart') + note) + forecastPanel(forecast);
  trendChart(trend, begins, fill);
  if (forecast.expected_buyers !== null) forecastChart(forecast);
}
