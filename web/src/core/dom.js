// Owns the page's building blocks: element lookup, the status line, cards, panels, tables, and the date
// field (a yyyy-mm-dd text box with a calendar button, so dates read the same in every language; the
// browser's own <input type=date> shows its locale's format, e.g. mm/dd/yyyy, whatever the page's lang).
import { t } from './i18n.js';
import { esc, isDay } from './format.js';

export const $ = (id) => document.getElementById(id);

export function setStatus(text, isError = false) {
  const s = $('status');
  s.textContent = text;
  s.className = isError ? 'error' : '';
}

const attr = (name, value) => (value === undefined ? '' : ` ${name}="${value}"`);

// A card: LABEL above VALUE (already formatted), with optional test ids, a small note under it and a
// tooltip (TITLE, plain text) that explains the figure.
export function card({ label, value, testid, cardTestid, note, noteClass = 'note', noteId, title }) {
  return `<div class="card"${attr('data-testid', cardTestid)}${attr('title', title && esc(title))}>` +
    `<div class="label">${label}</div>` +
    `<div class="value"${attr('data-testid', testid)}>${value}</div>` +
    (note === undefined ? '' : `<div class="${noteClass}"${attr('id', noteId)}>${note}</div>`) + '</div>';
}

export const cards = (items, style) => `<div class="cards"${attr('style', style)}>${items.join('')}</div>`;

export function panel(title, body, extra = '') {
  return `<div class="panel"${extra}>${title ? `<h3>${title}</h3>` : ''}${body}</div>`;
}

export const chartBox = (id, height) =>
  `<div class="chart" id="${id}"${height ? ` style="height:${height}px"` : ''}></div>`;

// A table whose first row holds HEADS; ROWS is the rows' HTML.
export function table(heads, rows, testid) {
  return `<table${attr('data-testid', testid)}><tr>${heads.map((h) => `<th>${h}</th>`).join('')}</tr>` +
    `${rows}</table>`;
}

export const cells = (values) => values.map((v) => `<td>${v}</td>`).join('');

// A one-line muted explanation under a figure (HTML), with an optional test id.
export const explain = (html, testid) => `<p class="note"${attr('data-testid', testid)}>${html}</p>`;

// A table heading with a tooltip that explains the column (TITLE is plain text).
export const headTip = (label, title) => `<span class="tip" title="${esc(title)}">${label}</span>`;

// The page's answer when the brand has no data in the period: said, never drawn as zeros; WHAT (HTML)
// names the brand and the day or period asked about.
export const noData = (what) => `<div class="empty" data-testid="no-data">${t('no_data')}` +
  `${what ? `<div class="note">${what}</div>` : ''}</div>`;

// Shows DAY, the day the page's answer reports, greyed in the header's date field while the user has not
// chosen one (the server's default then decides, as the CLI's would).
export function showDay(day) {
  const box = $('date');
  if (box) box.placeholder = day || 'yyyy-mm-dd';
}

const CALENDAR = '<svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true">' +
  '<rect x="1.5" y="3" width="13" height="11.5" rx="1.5" fill="none" stroke="currentColor"/>' +
  '<path d="M1.5 6.5h13M5 1.5v3M11 1.5v3" stroke="currentColor"/></svg>';

// The HTML of a date field: the text box ID (test id TESTID) holding VALUE, and its calendar button.
export function dateField(id, testid, value) {
  return `<span class="datefield"><input id="${id}" class="day" data-testid="${testid}" value="${value}" ` +
    'inputmode="numeric" maxlength="10" placeholder="yyyy-mm-dd" spellcheck="false" autocomplete="off">' +
    `<button type="button" class="calendar" data-i18n-title="pick_date" title="${t('pick_date')}"` +
    ` aria-label="${t('pick_date')}">` +
    `${CALENDAR}</button><input type="date" class="calendar-picker" tabindex="-1" aria-hidden="true"></span>`;
}

// Calls ONDAY(day) when the field ID gets a valid yyyy-mm-dd day, typed (on change) or picked from the
// calendar, and ONDAY('') when it is emptied (back to the server's default); a malformed day is marked and
// left unapplied.
export function bindDateField(id, onDay) {
  const box = $(id);
  const wrap = box.parentElement;
  const picker = wrap.querySelector('.calendar-picker');
  const apply = () => {
    if (box.value.trim() === '') { box.classList.remove('invalid'); onDay(''); return; }
    const ok = isDay(box.value.trim());
    box.classList.toggle('invalid', !ok);
    box.title = ok ? '' : t('bad_date');
    if (ok) onDay(box.value.trim());
  };
  box.addEventListener('change', apply);
  wrap.querySelector('.calendar').addEventListener('click', () => {
    picker.min = box.min || '';
    picker.value = isDay(box.value) ? box.value : '';
    if (picker.showPicker) picker.showPicker(); else picker.focus();
  });
  picker.addEventListener('change', () => {
    if (!picker.value) return;
    box.value = picker.value;
    apply();
  });
}
