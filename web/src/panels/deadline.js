// The next deadline of a complaint ({kind, due, day, overdue} from the API) as a crew card or queue row shows it: the
// working day it ends on, in WIB, as the server's working-day calendar counted it ("Batas penyelesaian: s.d. Senin
// 8 Des") and, once passed, a "Terlambat" badge. `due` is the exclusive bound (00:00 WIB after that day), so it is kept
// for machines (the <time> element) and never shown as if the work were due at midnight.

import { h } from '../dom.js';
import { formatDateTime, formatDay, t } from '../i18n.js';

/** A span for deadline (null when there is none); withKind=false leaves out the "Batas …:" label. */
export function deadlineBadge(deadline, { withKind = true } = {}) {
  if (!deadline) return null;
  return h('span', { class: 'deadline', 'data-overdue': String(deadline.overdue), 'data-kind': deadline.kind, 'data-day': deadline.day ?? '' },
    withKind ? `${t(`deadline.${deadline.kind}`)}: ` : null,
    h('time', { datetime: deadline.day ?? deadline.due },
      deadline.day ? t('deadline.until', { day: formatDay(deadline.day) }) : formatDateTime(deadline.due)),
    deadline.overdue ? h('span', { class: 'overdue-badge' }, t('deadline.overdue')) : null);
}
