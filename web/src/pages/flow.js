// 人群流转 flow: the new / lost / deepened / fell-back counts between two days, the Sankey from the first
// day's stages to the second's (stage order kept on both sides), the flow matrix and the flow rates. The
// days are the user's (the header's date, the page's from) or else the server's defaults (the CLI's:
// the last day with data and 30 days before), and the page shows the days the answer reports.
import { api } from '../core/api.js';
import { COLORS, STAGES, chart } from '../core/charts.js';
import {
  $, bindDateField, card, cards, cells, chartBox, dateField, noData, panel, showDay, table,
} from '../core/dom.js';
import { esc, fmt, pct } from '../core/format.js';
import { t } from '../core/i18n.js';
import { rerender, scope, state } from '../core/state.js';

const NAMES = ['none', ...STAGES];
const COUNTS = ['new', 'lost', 'deepened', 'fell_back'];

function matrixTable(f) {
  const rows = NAMES.map((a) => `<tr><td>${t(a)}</td>${NAMES.map((b) => `<td data-testid="cell-${a}-${b}">` +
    `${a === 'none' && b === 'none' ? '·' : fmt(f.matrix[a][b])}</td>`).join('')}</tr>`).join('');
  return table(['', ...NAMES.map(t)], rows);
}

function ratesTable(f) {
  const rows = STAGES.map((a) => `<tr><td>${t(a)}</td>${cells(NAMES.map((b) => pct(f.rates[a][b])))}</tr>`);
  return table(['', ...NAMES.map(t)], rows.join(''));
}

// Nodes in stage order with a fixed column each (layoutIterations 0 keeps the given order); the first
// day's labels sit left of their nodes and the second day's right, clear of the links.
function sankey(f) {
  const nodes = [];
  for (const [side, depth, position] of [['from', 0, 'left'], ['to', 1, 'right']]) {
    for (const n of NAMES) {
      nodes.push({ name: `${side}:${n}`, depth, itemStyle: { color: COLORS[n] }, label: { position } });
    }
  }
  const links = [];
  for (const a of NAMES) for (const b of NAMES) {
    const v = f.matrix[a][b];
    if (v > 0 && !(a === 'none' && b === 'none')) {
      links.push({ source: `from:${a}`, target: `to:${b}`, value: v });
    }
  }
  if (!links.length) { // no one moved: ECharts cannot lay out an empty Sankey
    $('sankey').outerHTML = `<div class="empty">${t('empty')}</div>`;
    return;
  }
  const label = (name) => {
    const [side, n] = name.split(':');
    return `${t(n)} (${side === 'from' ? f.from : f.to})`;
  };
  chart($('sankey'), {
    tooltip: { formatter: (p) => sankeyTip(p, label) },
    series: [{ type: 'sankey', data: nodes, links, layoutIterations: 0, nodeAlign: 'justify', nodeGap: 12,
      left: 190, right: 190, top: 12, bottom: 12, emphasis: { focus: 'adjacency' },
      lineStyle: { color: 'source', opacity: 0.35 }, label: { formatter: (p) => label(p.name) } }],
  });
}

function sankeyTip(p, label) {
  if (p.dataType === 'edge') return `${label(p.data.source)} → ${label(p.data.target)}: ${fmt(p.data.value)}`;
  return `${label(p.name)}: ${fmt(p.value)}`;
}

// Nobody in the asset on either day: the brand has no data in the period.
const empty = (f) => NAMES.every((a) => NAMES.every((b) => !f.matrix[a][b]));

export async function render(page) {
  const f = await api('flow', { ...scope(), from: state.from, to: state.date });
  showDay(f.to);
  const counts = COUNTS.map((k) => card({ label: t(k), value: fmt(f[k]), testid: `value-${k}` }));
  const range = `<label>${t('from')} ${dateField('flowfrom', 'flow-from', f.from)}</label> → ${f.to}`;
  const body = empty(f) ? noData(`${esc(state.brand)} · ${f.from} → ${f.to}`) : cards(counts) +
    panel(`${t('flow')} ${f.from} → ${f.to}`, chartBox('sankey', 420)) +
    `<div class="row">${panel(t('matrix'), matrixTable(f))}${panel(t('rates'), ratesTable(f))}</div>`;
  page.innerHTML = panel('', range) + body;
  // A day other than the one shown applies; emptying the field goes back to the server's default start.
  bindDateField('flowfrom', (day) => {
    if (day === f.from || (day === '' && !state.from)) return;
    state.from = day;
    rerender();
  });
  if (!empty(f)) sankey(f);
}
