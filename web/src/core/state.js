// Owns the view's state and its place in the URL fragment (#page=…&brand=…&spu=…&date=…&from=…&lang=…&key=…),
// so that a link reopens the same view; also the signed-in tenant (`me`) and the re-render hook.
export const PAGES = [
  'overview', 'flow', 'spus', 'penetration', 'campaigns', 'crowds', 'firstparty', 'aurora', 'topics',
  'consult',
];

const DEFAULTS = { page: 'overview', brand: '', spu: '', date: '', key: '', lang: 'zh', from: '' };
export const state = { ...DEFAULTS };
const WRITE_KEYS = ['page', 'brand', 'spu', 'date', 'from', 'lang', 'key'];

// The answer of /api/v1/me once a key is accepted: { tenant, admin, brands, first_day, last_day }, and of
// /api/v1/info (the tenant's brands with their category, SPUs, events and first day; the rules in force).
export const session = { me: null, info: null };

// The signed-in tenant's summary of the selected brand (from /info), or null.
export const brandInfo = () => (session.info?.brands ?? []).find((b) => b.brand === state.brand) ?? null;

// The fragment is the whole view: a key it leaves out takes its default (no date: the server's default day).
export function readHash() {
  const p = new URLSearchParams(location.hash.slice(1));
  for (const k of Object.keys(DEFAULTS)) state[k] = p.get(k) ?? DEFAULTS[k];
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

// True when DAY (one the page derives, such as 30 days back) lies within the data: the server refuses days
// outside it (400) rather than answer zeros, so such a day is not asked.
export function inData(day) {
  const me = session.me ?? {};
  return !(me.first_day && day < me.first_day) && !(me.last_day && day > me.last_day);
}
