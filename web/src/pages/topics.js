// 灵犀话题 topics: the brand's category topics ranked by engagements against the previous period, rising
// marks, reach into the brand's TI, weekly engagement lines of the top five, and the notes that moved the
// most users into TI. A week only partly inside the period is marked partial (its figures cover fewer
// days). Without a chosen date the server's default period (the CLI's) decides, and the page shows it.
import { api } from '../core/api.js';
import { GRID, categoryAxis, chart, countAxis, countTooltip } from '../core/charts.js';
import { $, cells, chartBox, explain, noData, panel, showDay, table } from '../core/dom.js';
import { addDays, esc, fmt, growth } from '../core/format.js';
import { t, tf } from '../core/i18n.js';
import { state } from '../core/state.js';

function topicRow(x) {
  return `<tr data-testid="topic-row">${cells([x.rank, esc(x.topic), fmt(x.notes)])}` +
    `<td data-testid="topic-engagements">${fmt(x.engagements)}</td>` +
    `${cells([growth(x.growth), x.rising ? '▲' : '', x.reach ? fmt(x.reach.TI) : '—'])}</tr>`;
}

function tables(r) {
  const heads = ['#', t('topic'), t('notes'), t('engagements'), t('growth'), t('rising'), t('reach_ti')];
  const notes = r.top_notes.map((n) => `<tr>${cells([esc(n.note), fmt(n.users_into_ti),
    n.topics.map(esc).join(' · ')])}</tr>`).join('');
  return panel('', table(heads, r.topics.map(topicRow).join(''), 'topics-table')) +
    panel(`${t('top_notes')} · ${esc(state.brand)}`,
      table([t('note'), t('users_into_ti'), t('topic')], notes, 'top-notes'));
}

function barChart(top) {
  chart($('topicbars'), {
    grid: { ...GRID, bottom: 48 }, tooltip: countTooltip, legend: { data: [t('engagements'), t('previous')] },
    xAxis: { ...countAxis(t('engagements')), nameLocation: 'middle', nameGap: 28 },
    yAxis: { type: 'category', inverse: true, data: top.map((x) => x.topic) },
    series: [
      { name: t('engagements'), type: 'bar', itemStyle: { color: '#ff2442' },
        data: top.map((x) => x.engagements) },
      { name: t('previous'), type: 'bar', itemStyle: { color: '#c9ced8' },
        data: top.map((x) => x.previous_engagements) }],
  });
}

// The days of the week starting WEEK (a Monday) that lie inside [R.from, R.to]; 7 for a whole week.
function daysInside(week, r) {
  const first = week < r.from ? r.from : week;
  const end = addDays(week, 6);
  const last = end > r.to ? r.to : end;
  return Math.round((Date.parse(last) - Date.parse(first)) / 86400000) + 1;
}

const weekLabel = (week, r) => (daysInside(week, r) < 7 ? `${week} (${t('partial')})` : week);

function partialNote(r) {
  const weeks = r.topics.length ? r.topics[0].weeks.map((w) => w.week) : [];
  const parts = weeks.filter((w) => daysInside(w, r) < 7).map((w) => `${w} (${daysInside(w, r)}/7)`);
  return parts.length ? explain(tf('partial_weeks', { weeks: parts.join(', ') }), 'partial-weeks') : '';
}

function weeklyChart(five, r) {
  chart($('topicweeks'), {
    grid: GRID, tooltip: countTooltip, legend: { data: five.map((x) => x.topic) },
    xAxis: categoryAxis(t('week'), five.length ? five[0].weeks.map((w) => weekLabel(w.week, r)) : []),
    yAxis: countAxis(t('engagements')),
    series: five.map((x) => ({ name: x.topic, type: 'line', data: x.weeks.map((w) => w.engagements) })),
  });
}

export async function render(page) {
  const info = await api('info');
  const b = info.brands.find((x) => x.brand === state.brand);
  const category = b ? b.category : '';
  const r = await api('topics', { category, brand: state.brand, to: state.date });
  showDay(r.to);
  if (!r.topics.length) { page.innerHTML = noData(`${esc(category)} · ${r.from} – ${r.to}`); return; }
  page.innerHTML = '<div class="row">' +
    panel(`${t('topics')} · ${esc(category)} · ${r.from} – ${r.to}`, chartBox('topicbars')) +
    panel(t('weekly'), chartBox('topicweeks') + partialNote(r)) + '</div>' + tables(r);
  barChart(r.topics.slice(0, 12));
  weeklyChart(r.topics.slice(0, 5), r);
}
