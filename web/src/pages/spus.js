// 单品对比 SPUs: the stage counts of each of the brand's SPUs on the chosen day (else the server's default
// day, which the page shows), as stacked bars and a table.
import { api } from '../core/api.js';
import { COLORS, GRID, STAGES, categoryAxis, chart, countAxis, countTooltip } from '../core/charts.js';
import { $, cells, chartBox, noData, panel, showDay, table } from '../core/dom.js';
import { esc, fmt } from '../core/format.js';
import { t } from '../core/i18n.js';
import { state } from '../core/state.js';

function spuRow(r) {
  const spu = esc(r.spu);
  return `<tr data-testid="spu-row-${spu}"><td>${spu}</td>${cells(STAGES.map((s) => fmt(r.stages[s])))}` +
    `<td data-testid="spu-total-${spu}">${fmt(r.total)}</td></tr>`;
}

export async function render(page) {
  const info = await api('info');
  const b = info.brands.find((x) => x.brand === state.brand);
  const spus = b ? b.spus : [];
  if (!spus.length) { page.innerHTML = `<div class="empty">${t('empty')}</div>`; return; }
  const stages = (spu) => api('stages', { brand: state.brand, spu, date: state.date });
  const rows = await Promise.all(spus.map(stages));
  showDay(rows[0].date);
  if (rows.every((r) => !r.total)) {
    page.innerHTML = noData(`${esc(state.brand)} · ${rows[0].date}`);
    return;
  }
  page.innerHTML = panel(`${t('spus')} · ${rows[0].date}`, chartBox('spuchart')) +
    panel('', table([t('spu'), ...STAGES.map(t), t('total')], rows.map(spuRow).join('')));
  chart($('spuchart'), {
    grid: GRID, tooltip: countTooltip, legend: { data: STAGES.map(t) },
    xAxis: categoryAxis(t('spu'), spus), yAxis: countAxis(t('users')),
    series: STAGES.map((s) => ({ name: t(s), type: 'bar', stack: 'spu', itemStyle: { color: COLORS[s] },
      data: rows.map((r) => r.stages[s]) })),
  });
}
