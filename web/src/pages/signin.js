// Page `/masuk`: staff sign-in. POST /api/auth/login?cookie=true starts a session and sets its cookie (ujar.staff,
// HttpOnly, SameSite strict; the browser's same-origin fetch is the proof the server asks of a cookie sign-in) and
// answers with the account; the page then goes to ?next= (a path of this site) or the role's own page. Refusals (wrong
// password, too many attempts from this address: 429 with the wait, disabled account) are the server's bilingual
// problems, shown in the reader's language.

import { ApiError, postJson, showProblem } from '../api.js';
import { fromTemplate, listen } from '../dom.js';
import { onLangChange, t, translate } from '../i18n.js';
import { HOME_BY_ROLE, safeNext } from '../panels/staff-bar.js';
import { readQuery } from '../urlstate.js';

export class SignInPage {
  constructor(root) {
    this._root = root;
    this._el = (id) => root.querySelector(`#${id}`);
    this._problem = null;
  }

  add() {
    this._root.replaceChildren(fromTemplate('page-signin'));
    translate(this._root);
    document.title = `${t('signin.title')} · Ujar`;
    this._unsubscribe = [
      listen(this._el('signin-form'), 'submit', (event) => {
        event.preventDefault();
        this._signIn();
      }),
      onLangChange(() => {
        document.title = `${t('signin.title')} · Ujar`;
        this._renderProblem();
      }),
    ];
    this._el('signin-email').focus();
  }

  remove() {
    for (const unsubscribe of this._unsubscribe) unsubscribe();
    this._root.replaceChildren();
  }

  async _signIn() {
    const button = this._el('btn-signin');
    const email = this._el('signin-email');
    const password = this._el('signin-password');
    button.disabled = true;
    button.textContent = t('signin.sending');
    let account;
    try {
      account = await postJson('/api/auth/login?cookie=true', { email: email.value.trim(), password: password.value });
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      this._problem = error.problem;
      this._renderProblem();
      password.value = '';
      password.focus();
      return;
    } finally {
      button.disabled = false;
      button.textContent = t('signin.submit');
    }
    location.assign(safeNext(readQuery().get('next')) ?? HOME_BY_ROLE[account.role] ?? '/');
  }

  _renderProblem() {
    const box = this._el('signin-error');
    const refused = Boolean(this._problem);
    for (const id of ['signin-email', 'signin-password']) {
      if (refused) this._el(id).setAttribute('aria-invalid', 'true');
      else this._el(id).removeAttribute('aria-invalid');
    }
    if (!refused) {
      box.hidden = true;
      return;
    }
    showProblem(box, this._problem);
    box.dataset.code = this._problem.code ?? '';
  }
}

export async function mountSignInPage(root) {
  const page = new SignInPage(root);
  page.add();
  return () => page.remove();
}
