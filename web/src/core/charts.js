// Owns the ECharts instances of the shown page (all disposed on each render), the stage colours, and the
// chart conventions: SVG rendering (so a chart's text is in the page, where the browser test reads it),
// every value axis titled with its unit (¥ for money, 人数/users for counts), labels and tooltips in the
// page's number format.
import { fmt, money, pct } from './format.js';

export const STAGES = ['A', 'I', 'TI', 'P', 'S'];
export const COLORS = {
  none: '#c9ced8', A: '#9db4d8', I: '#6c9bd2', TI: '#3f6fb5', P: '#ff7a45', S: '#ff2442',
};
const MUTED = '#6b7385';

let charts = [];

export function disposeCharts() {
  charts.forEach((c) => c.dispose());
  charts = [];
}

export function chart(el, option) {
  const c = echarts.init(el, null, { renderer: 'svg' });
  c.setOption({ animation: false, textStyle: { fontFamily: 'inherit' }, ...option });
  charts.push(c);
  return c;
}

window.addEventListener('resize', () => charts.forEach((c) => c.resize()));

// Room for the legend on top, the y axis title above the axis and the x axis title below the labels.
export const GRID = { top: 64, left: 16, right: 24, bottom: 40, containLabel: true };

const named = (name) => ({ name, nameTextStyle: { color: MUTED, align: 'left' }, nameGap: 14 });

const valueAxis = (name, formatter) => ({ type: 'value', ...named(name), axisLabel: { formatter } });

export const countAxis = (name) => valueAxis(name, (v) => fmt(v));
export const moneyAxis = (name) => valueAxis(name, (v) => `¥${fmt(v)}`);
export const ratioAxis = (name) => valueAxis(name, (v) => v.toFixed(2));
export const rateAxis = (name) => valueAxis(name, (v) => (100 * v).toFixed(0) + '%');

// A category x axis with its title centred under the labels.
export const categoryAxis = (name, data) => ({
  type: 'category', name, data, nameLocation: 'middle', nameGap: 28, nameTextStyle: { color: MUTED },
});

// Tooltips that show values the way the tables do.
export const countTooltip = { trigger: 'axis', valueFormatter: (v) => fmt(v) };
export const moneyTooltip = { trigger: 'axis', valueFormatter: (v) => (v === null ? '—' : `¥${money(v)}`) };
export const rateTooltip = { valueFormatter: (v) => pct(v) };
