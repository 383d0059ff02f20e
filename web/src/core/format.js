// Owns the one number format of the page: thousands separators for counts and money, two decimals for
// money, one decimal for rates, and the date arithmetic on yyyy-mm-dd days. Missing values show as —.
const missing = (n) => n === null || n === undefined;

export const fmt = (n) => (missing(n) ? '—' : Number(n).toLocaleString('en-US'));
export const money = (n) => (missing(n) ? '—'
  : Number(n).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }));
export const yuan = (n) => (missing(n) ? '—' : `¥${money(n)}`);
export const pct = (x) => (missing(x) ? '—' : (100 * x).toFixed(1) + '%');
export const fixed = (x, digits) => (missing(x) ? '—' : Number(x).toFixed(digits));
export const signed = (n) => (n === 0 ? '±0' : `${n > 0 ? '+' : ''}${fmt(n)}`);
export const growth = (g) => (missing(g) ? '—' : (g >= 0 ? '+' : '') + (100 * g).toFixed(0) + '%');

const HTML = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
export const esc = (s) => String(s).replace(/[&<>"]/g, (c) => HTML[c]);

export function addDays(day, n) {
  const x = new Date(day + 'T00:00:00Z');
  x.setUTCDate(x.getUTCDate() + n);
  return x.toISOString().slice(0, 10);
}

// True for a real calendar day written yyyy-mm-dd.
export function isDay(s) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(s + 'T00:00:00Z');
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}
