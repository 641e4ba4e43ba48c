// Who is signed in, in the app bar, with the sign-out button. Staff pages first call requireStaff(): without a
// session (GET /api/auth/me → 401) the browser goes to /masuk?next=<this page> and comes back after signing in; the same
// happens when the session ends while the page is open. "Keluar" ends the session on the server: the cookie stops
// working everywhere at once, not only in this browser.

import { ApiError, getJson, onSessionEnded, post } from '../api.js';
import { listen } from '../dom.js';
import { onLangChange, t } from '../i18n.js';

/** Where each role works: the page after sign-in when no ?next= says otherwise. */
export const HOME_BY_ROLE = { crew: '/petugas', opd_staff: '/opd', admin: '/opd', planner: '/kinerja' };

/** A ?next= value to go to after sign-in, or null: only a path on this site (not `//host`, `/\host` or `https:`). */
export function safeNext(value) {
  return typeof value === 'string' && /^\/(?![/\\])/.test(value) ? value : null;
}

/** The signed-in account {email, name, role, opd}; with no session it sends the browser to the sign-in page. */
export async function requireStaff() {
  let me;
  try {
    me = await getJson('/api/auth/me');
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 401) throw error;
    signInAgain();
    return new Promise(() => {}); // the page is going away: nothing after this may run
  }
  onSessionEnded(signInAgain);
  return me;
}

function signInAgain() {
  location.assign(`/masuk?next=${encodeURIComponent(location.pathname + location.search)}`);
}

export class StaffBar {
  constructor(element, me) {
    this._element = element;
    this._me = me;
  }

  add() {
    this._render();
    this._element.hidden = false;
    this._unsubscribe = [
      listen(this._element.querySelector('#btn-sign-out'), 'click', () => this._signOut()),
      onLangChange(() => this._render()),
    ];
  }

  remove() {
    for (const unsubscribe of this._unsubscribe) unsubscribe();
    this._element.hidden = true;
  }

  _render() {
    const name = this._element.querySelector('#staff-name');
    const opd = this._me.opd ? ` · ${this._me.opd.toUpperCase()}` : '';
    name.textContent = `${this._me.name}${opd}`;
    name.title = `${t('staff.signedIn', { name: this._me.email })} (${t(`role.${this._me.role}`)})`;
    this._element.dataset.role = this._me.role;
  }

  async _signOut() {
    onSessionEnded(null);
    try {
      await post('/api/auth/logout');
    } catch (error) {
      // A session that already ended (401) is signed out all the same.
      if (!(error instanceof ApiError) || error.status !== 401) throw error;
    }
    location.assign('/masuk');
  }
}
