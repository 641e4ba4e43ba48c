// The next deadline of a complaint ({kind, due, overdue} from the API, due in WIB) as a crew card or queue row shows
// it: "Batas penyelesaian: 3 Des 2026 16.00 WIB" and, once passed, a "Terlambat" badge.

import { h } from '../dom.js';
import { formatDateTime, t } from '../i18n.js';

/** A span for deadline (null when there is none); withKind=false leaves out the "Batas …:" label. */
export function deadlineBadge(deadline, { withKind = true } = {}) {
  if (!deadline) return null;
  return h('span', { class: 'deadline', 'data-overdue': String(deadline.overdue), 'data-kind': deadline.kind },
    withKind ? `${t(`deadline.${deadline.kind}`)}: ` : null,
    h('time', { datetime: deadline.due }, formatDateTime(deadline.due)),
    deadline.overdue ? h('span', { class: 'overdue-badge' }, t('deadline.overdue')) : null);
}
