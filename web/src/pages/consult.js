// 私信咨询 consultations: each account and each group (总部 headquarters, 区域 regional, 员工 staff) with
// conversations, the 30-second reply rate, median first reply, night coverage, leads, cost per lead and
// 咨询分, and each account's first-reply-time distribution. Without a chosen date the server's default period
// (the CLI's: the 30 days ending on the last day with a message) decides, and the page shows it. The
// answer does not say which brand an account answers for, so a key with several brands sees all of them.
import { api } from '../core/api.js';
import { GRID, categoryAxis, chart, countAxis, countTooltip } from '../core/charts.js';
import { $, cells, chartBox, noData, panel, showDay, table } from '../core/dom.js';
import { esc, fixed, fmt, money, pct } from '../core/format.js';
import { t } from '../core/i18n.js';
import { state } from '../core/state.js';

const HEADS = [
  'account', 'group', 'conversations', 'reply_30s', 'median_reply', 'night', 'leads', 'lead_rate',
  'cost_per_lead', 'score',
];
// The keys of first_reply_distribution, fastest first.
const BUCKETS = [
  'within_30s', '30s_to_1min', '1_to_5min', '5_to_30min', '30min_to_24h', 'over_24h', 'no_reply',
];
const BUCKET_COLORS = ['#3f6fb5', '#6c9bd2', '#9db4d8', '#ffb38a', '#ff7a45', '#ff2442', '#c9ced8'];

function row(f, name, group) {
  return `<tr data-testid="consult-row">${cells([esc(name), esc(group)])}` +
    `<td data-testid="conversations-${esc(name)}">${fmt(f.conversations)}</td>` +
    `<td data-testid="reply30">${pct(f.reply_30s_rate)}</td>` +
    `${cells([fmt(f.first_reply_seconds.median), pct(f.night_coverage), fmt(f.leads), pct(f.lead_rate),
      money(f.cost_per_lead)])}<td><b>${fixed(f.score, 1)}</b></td></tr>`;
}

function replyChart(accounts) {
  chart($('replydist'), {
    grid: GRID, tooltip: countTooltip, legend: { data: BUCKETS.map(t) },
    xAxis: categoryAxis(t('account'), accounts.map((f) => f.account)), yAxis: countAxis(t('conversations')),
    series: BUCKETS.map((k, i) => ({
      name: t(k), type: 'bar', stack: 'r', itemStyle: { color: BUCKET_COLORS[i] },
      data: accounts.map((f) => f.first_reply_distribution[k]),
    })),
  });
}

export async function render(page) {
  const r = await api('consult', { brand: state.brand, to: state.date });
  showDay(r.to);
  if (!r.accounts.length) {
    page.innerHTML = `<div class="empty" data-testid="consult-empty">${t('no_accounts')}</div>`;
    return;
  }
  if (r.accounts.every((f) => !f.conversations)) { page.innerHTML = noData(`${r.from} – ${r.to}`); return; }
  const rows = r.accounts.map((f) => row(f, f.account, t(f.group))).join('') +
    r.groups.map((g) => row(g, t(g.group), `${g.accounts} ×`)).join('');
  const title = `${t('consult')} · <span data-testid="consult-period">${r.from} – ${r.to}</span>`;
  page.innerHTML = panel(title, table(HEADS.map(t), rows, 'consult-table')) +
    panel(t('reply_dist'), chartBox('replydist'));
  replyChart(r.accounts);
}
