// 一方数据 first-party: the brand's orders matched to platform users, the match rate, the matched GMV, the
// size of the identity map and the brand's event count (which includes the matched orders); and the
// first-party spectrum (一方光谱): customer tiers × AIPS stages with each tier's conversion and suggested
// bid multiplier. The spectrum is dated x days before the last day (the last day whose T+x conversion
// window has closed), unlike the other pages: the page says so.
import { api } from '../core/api.js';
import { GRID, STAGES, categoryAxis, chart, rateAxis, rateTooltip } from '../core/charts.js';
import { $, card, cards, cells, chartBox, explain, noData, panel, table } from '../core/dom.js';
import { esc, fixed, fmt, money, pct } from '../core/format.js';
import { t, tf } from '../core/i18n.js';
import { brandInfo, session, state } from '../core/state.js';

const NAMES = ['none', ...STAGES];

function matchCards(f) {
  const events = brandInfo()?.events;
  return cards([
    card({ label: t('matched'), value: fmt(f.matched_orders), testid: 'value-matched' }),
    card({ label: t('unmatched'), value: fmt(f.unmatched_orders) }),
    card({ label: t('match_rate'), value: pct(f.match_rate), testid: 'value-match_rate' }),
    card({ label: t('matched_gmv'), value: money(f.matched_gmv) }),
    card({ label: t('identity'), value: fmt(f.identity_entries) }),
    card({ label: t('brand_events'), value: fmt(events), testid: 'value-events',
      note: tf('events_include', { n: fmt(f.matched_orders) }), title: t('events_tip') }),
  ]);
}

// One tier: its users, converted users, rate and bid multiplier, then users (converted) by stage.
function tierRow(x) {
  const tier = esc(x.tier);
  const cell = (c) => `${fmt(c.users)} <span class="note">(${fmt(c.converted)})</span>`;
  const byStage = NAMES.map((s) => cell(x.stages[s]));
  return `<tr data-testid="tier-${tier}"><td>${t(x.tier)}</td>` +
    `<td data-testid="tier-users-${tier}">${fmt(x.users)}</td>${cells([fmt(x.converted),
      pct(x.conversion_rate)])}<td data-testid="bid-${tier}">${fixed(x.bid_multiplier, 1)}</td>` +
    `${cells(byStage)}</tr>`;
}

function spectrumPanel(s) {
  const flag = s.provisional ? ` <span class="tag">${t('provisional')}</span>` : '';
  const title = `${t('spectrum')} · <span data-testid="spectrum-date">${s.date}</span>` +
    ` · x = ${s.x_days}${flag}`;
  const why = state.date ? tf('spectrum_chosen', { date: s.date, x: s.x_days })
    : tf('spectrum_date', { date: s.date, x: s.x_days, last: session.me.last_day ?? '—' });
  const note = explain(why, 'spectrum-note');
  if (s.tiers.every((x) => !x.users)) return panel(title, note + noData(`${esc(s.brand)} · ${s.date}`));
  const heads = ['tier', 'users', 'converted', 'conversion', 'bid_multiplier', ...NAMES].map(t);
  return panel(title, note +
    table(heads, s.tiers.map(tierRow).join(''), 'spectrum') +
    explain(tf('spectrum_cells', { x: s.x_days, gmv: money(s.high_value_gmv) })));
}

// The match rate by week of the order: matched so far / all the week's orders (a week's rate rises as
// later identity uploads match its kept orders).
function matchWeeks(f) {
  chart($('matchweeks'), {
    grid: GRID, tooltip: { trigger: 'axis', ...rateTooltip },
    xAxis: categoryAxis(t('week'), f.weeks.map((w) => w.week)), yAxis: { ...rateAxis(t('match_rate')), max: 1 },
    series: [{ name: t('match_rate'), type: 'line', data: f.weeks.map((w) => w.match_rate) }],
  });
}

export async function render(page) {
  const [f, s] = await Promise.all([
    api('firstparty', { brand: state.brand }),
    api('spectrum', { brand: state.brand, date: state.date }),
  ]);
  const orders = f.matched_orders + f.unmatched_orders;
  const weeks = f.weeks && f.weeks.length ? panel(t('match_weeks'), chartBox('matchweeks')) : '';
  page.innerHTML = (orders ? matchCards(f) + weeks : noData(esc(state.brand))) + spectrumPanel(s);
  if (orders && weeks) matchWeeks(f);
}
