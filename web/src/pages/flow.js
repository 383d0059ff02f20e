// 人群流转 flow: the new / lost / deepened / fell-back counts between two days, the Sankey from the first
// day's stages to the second's (stage order kept on both sides), the flow matrix and the flow rates.
import { api } from '../core/api.js';
import { COLORS, STAGES, chart } from '../core/charts.js';
import { $, bindDateField, card, cards, cells, chartBox, dateField, panel, table } from '../core/dom.js';
import { addDays, fmt, pct } from '../core/format.js';
import { t } from '../core/i18n.js';
import { inData, rerender, scope, state } from '../core/state.js';

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
function sankey(f, from) {
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
    return `${t(n)} (${side === 'from' ? from : state.date})`;
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

export async function render(page) {
  const from = state.from || inData(addDays(state.date, -30));
  const f = await api('flow', { ...scope(), from, to: state.date });
  const counts = COUNTS.map((k) => card({ label: t(k), value: fmt(f[k]), testid: `value-${k}` }));
  const range = `<label>${t('from')} ${dateField('flowfrom', 'flow-from', from)}</label> → ${state.date}`;
  page.innerHTML = panel('', range) + cards(counts) +
    panel(`${t('flow')} ${from} → ${state.date}`, chartBox('sankey', 420)) +
    `<div class="row">${panel(t('matrix'), matrixTable(f))}${panel(t('rates'), ratesTable(f))}</div>`;
  bindDateField('flowfrom', (day) => { if (day !== from) { state.from = day; rerender(); } });
  sankey(f, from);
}
