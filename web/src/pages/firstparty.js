// 一方数据 first-party: the brand's orders matched to platform users, the match rate, the matched GMV and
// the size of the identity map.
import { api } from '../core/api.js';
import { card, cards } from '../core/dom.js';
import { fmt, money, pct } from '../core/format.js';
import { t } from '../core/i18n.js';
import { state } from '../core/state.js';

export async function render(page) {
  const f = await api('firstparty', { brand: state.brand });
  page.innerHTML = cards([
    card({ label: t('matched'), value: fmt(f.matched_orders), testid: 'value-matched' }),
    card({ label: t('unmatched'), value: fmt(f.unmatched_orders) }),
    card({ label: t('match_rate'), value: pct(f.match_rate), testid: 'value-match_rate' }),
    card({ label: t('matched_gmv'), value: money(f.matched_gmv) }),
    card({ label: t('identity'), value: fmt(f.identity_entries) }),
  ]);
}
