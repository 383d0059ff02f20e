// 极光指标 Aurora: the brand's composite and its four dimensions (awareness, content, penetration, word of
// mouth; percentiles among the category's brands) as a radar, and a table of the tenant's brands. On a day
// without a category crowd every brand ties (every score 50): the page says there is no data instead.
import { api } from '../core/api.js';
import { chart } from '../core/charts.js';
import { $, cells, chartBox, noData, panel, showDay, table } from '../core/dom.js';
import { esc } from '../core/format.js';
import { t } from '../core/i18n.js';
import { state } from '../core/state.js';

const DIMS = ['awareness', 'content', 'penetration', 'word_of_mouth'];

function brandRow(b) {
  const name = esc(b.brand);
  return `<tr data-testid="aurora-${name}"><td>${name}</td>` +
    `<td data-testid="composite-${name}">${b.composite.toFixed(1)}</td>` +
    `${cells(DIMS.map((d) => b[d].toFixed(1)))}</tr>`;
}

export async function render(page) {
  const a = await api('aurora', { brand: state.brand, date: state.date });
  showDay(a.date);
  const mine = a.brands.find((b) => b.brand === state.brand);
  if (!mine || !a.category_crowd) { page.innerHTML = noData(`${esc(state.brand)} · ${a.date}`); return; }
  const heads = [t('brand'), t('composite'), ...DIMS.map(t)];
  page.innerHTML = '<div class="row">' +
    `${panel(`${t('aurora')} · ${esc(a.category)} · ${a.date}`, chartBox('radar'))}` +
    `${panel('', table(heads, a.brands.map(brandRow).join('')))}</div>`;
  chart($('radar'), {
    tooltip: {},
    radar: { indicator: DIMS.map((d) => ({ name: t(d), max: 100 })) },
    series: [{ type: 'radar', data: [{ value: DIMS.map((d) => mine[d]), name: state.brand,
      areaStyle: { color: 'rgba(255,36,66,.25)' }, lineStyle: { color: '#ff2442' },
      itemStyle: { color: '#ff2442' } }] }],
  });
}
