// Small DOM helpers: element creation without innerHTML (server text is never parsed as HTML) and listeners that
// return their own removal, so every add() can hand back exactly what its remove() undoes.

/** h('li', {class: 'x', 'data-ticket': t}, child, 'text') */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') element.className = value;
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  element.append(...children.filter((child) => child !== undefined && child !== null && child !== false));
  return element;
}

/** Adds a DOM listener; returns the function that removes it. */
export function listen(target, type, handler, options) {
  target.addEventListener(type, handler, options);
  return () => target.removeEventListener(type, handler, options);
}

/** fn delayed until calls stop for ms; .cancel() drops a pending call. */
export function debounce(fn, ms) {
  let timer;
  const debounced = (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
  debounced.cancel = () => clearTimeout(timer);
  return debounced;
}

/** A fresh copy of a <template> of index.html. */
export const fromTemplate = (id) => document.getElementById(id).content.cloneNode(true);

/** An element from a static (bundled) SVG string; never used with server text. */
export function svg(markup) {
  const holder = document.createElement('span');
  holder.innerHTML = markup;
  return holder.firstElementChild;
}
