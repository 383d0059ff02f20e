// Owns language lookup: t(key) in the current language, and the labels built from API values (portrait
// tags such as `segment:Z世代` → 人群: Z世代, `gender:male` → 性别: 男). Text itself lives in strings.js.
import { STRINGS } from './strings.js';
import { state } from './state.js';

const LANGS = ['zh', 'en'];

// The text of KEY in the current language; an unknown key (a brand, an account, data) is shown as it is.
export function t(key) {
  const entry = Object.hasOwn(STRINGS, key) ? STRINGS[key] : null;
  return entry ? entry[Math.max(0, LANGS.indexOf(state.lang))] : key;
}

// t(KEY) with each {name} replaced by VARS[name] (values already formatted, HTML-escaped by the caller).
export function tf(key, vars) {
  return t(key).replace(/\{(\w+)\}/g, (m, name) => (Object.hasOwn(vars, name) ? String(vars[name]) : m));
}

// A portrait tag `kind:value` as `Kind: value`, with known kinds and values translated.
export function tagLabel(tag) {
  const at = tag.indexOf(':');
  if (at < 0) return t(tag);
  const kind = tag.slice(0, at);
  const value = tag.slice(at + 1);
  const kindKey = `tag_${kind}`;
  const kindText = Object.hasOwn(STRINGS, kindKey) ? t(kindKey) : kind;
  const valueText = Object.hasOwn(STRINGS, value) ? t(value) : value;
  return `${kindText}: ${valueText}`;
}
