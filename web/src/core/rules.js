// Owns what the pages read from the rules in force (the TOML text that /api/v1/info carries in
// rules.toml): a stage's window and the category crowd's window, so that notes quote the real numbers.
import { session } from './state.js';

// The integer KEY of the TOML table [NAME] in TOML, or null when the table does not state it.
function tableValue(toml, name, key) {
  let inside = false;
  for (const raw of toml.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('[')) { inside = line === `[${name}]`; continue; }
    const m = inside ? line.match(new RegExp(`^${key}\\s*=\\s*(\\d+)`)) : null;
    if (m) return Number(m[1]);
  }
  return null;
}

// The window in days of TABLE (`stages.S`, `crowd`) for CATEGORY: the category's override, else the
// default table; null when the rules do not say (the notes then leave the number out).
export function windowDays(table, category) {
  const toml = session.info?.rules?.toml ?? '';
  const own = category ? tableValue(toml, `categories."${category}".${table}`, 'window_days') : null;
  return own ?? tableValue(toml, table, 'window_days');
}
