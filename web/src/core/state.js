// Owns the view's state and its place in the URL fragment (#page=…&brand=…&spu=…&date=…&from=…&lang=…&key=…),
// so that a link reopens the same view; also the signed-in tenant (`me`) and the re-render hook.
export const PAGES = [
  'overview', 'flow', 'spus', 'penetration', 'campaigns', 'crowds', 'firstparty', 'aurora', 'topics',
  'consult',
];

export const state = { page: 'overview', brand: '', spu: '', date: '', key: '', lang: 'zh', from: '' };
const READ_KEYS = ['page', 'brand', 'spu', 'date', 'key', 'lang', 'from'];
const WRITE_KEYS = ['page', 'brand', 'spu', 'date', 'from', 'lang', 'key'];

// The answer of /api/v1/me once a key is accepted: { tenant, admin, brands, first_day, last_day }.
export const session = { me: null };

export function readHash() {
  const p = new URLSearchParams(location.hash.slice(1));
  for (const k of READ_KEYS) if (p.has(k)) state[k] = p.get(k);
  if (!state.key) state.key = sessionStorage.getItem('aips-key') || '';
  if (!PAGES.includes(state.page)) state.page = 'overview';
}

export function writeHash() {
  const p = new URLSearchParams();
  for (const k of WRITE_KEYS) if (state[k]) p.set(k, state[k]);
  history.replaceState(null, '', '#' + p.toString());
}

// The brand and SPU that the stage queries are scoped to.
export const scope = () => ({ brand: state.brand, spu: state.spu });

// Pages ask for a fresh render (after saving a crowd, changing the flow's start) through this hook,
// which main.js sets, so that no page imports main.js.
let renderHook = () => {};
export const setRenderHook = (fn) => { renderHook = fn; };
export const rerender = () => renderHook();

// A day the page derives (30 or 89 days back), never before the first day with data: the server refuses
// days outside the data rather than answer zeros.
export function inData(day) {
  const first = session.me && session.me.first_day;
  return first && day < first ? first : day;
}
