/*
 * A request typed into a session that ran out is not lost (issue 13):
 * while a person types a new request, its fields are kept in this tab's
 * sessionStorage; when sending it needed a sign-in first, the portal brings
 * the person back to the form after signing in (/login?next=), and the form
 * comes back filled in, with a line saying so. Nothing leaves the browser:
 * the draft is never sent anywhere but in the form itself, and it is removed
 * as soon as any other page than the sign-in steps is shown (the request was
 * filed, or the person went elsewhere). Without JavaScript the form works as
 * before; only this convenience is missing.
 */
(function () {
  'use strict';
  var KEY = 'portal-draft';
  var SKIP = { csrf: true, submission: true };
  var store;

  try {
    store = window.sessionStorage;
    store.getItem(KEY);
  } catch (e) {
    return; /* storage refused (private mode, policy): nothing to do */
  }

  function read() {
    try {
      return JSON.parse(store.getItem(KEY) || 'null');
    } catch (e) {
      return null;
    }
  }

  function save(form, sent) {
    var fields = [];
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || SKIP[el.name] || el.type === 'submit' || el.type === 'button' ||
          el.type === 'hidden' || el.type === 'password' || el.type === 'file') return;
      if (el.type === 'checkbox' || el.type === 'radio') {
        fields.push([el.name, el.value, el.checked]);
      } else if (el.tagName === 'SELECT' && el.multiple) {
        Array.prototype.forEach.call(el.options, function (o) {
          fields.push([el.name, o.value, o.selected]);
        });
      } else {
        fields.push([el.name, el.value]);
      }
    });
    try {
      store.setItem(KEY, JSON.stringify({ form: form.getAttribute('data-draft'), sent: sent, fields: fields }));
    } catch (e) { /* full: the form still works */ }
  }

  /* The page's own values win: a form shown again with the values it was
   * sent with (a refusal, 422) has nothing to restore. */
  function typedAlready(form) {
    return Array.prototype.some.call(form.elements, function (el) {
      return el.name && !SKIP[el.name] && (el.tagName === 'TEXTAREA' ||
        (el.tagName === 'INPUT' && /^(text|tel|email|number|date|datetime-local)$/.test(el.type))) &&
        el.value !== '' && el.value !== el.defaultValue;
    }) || form.querySelector('[aria-invalid="true"]') !== null ||
      Array.prototype.some.call(form.elements, function (el) {
        return el.name && !SKIP[el.name] && el.tagName === 'TEXTAREA' && el.defaultValue !== '';
      });
  }

  function restore(form, draft) {
    var byName = {};
    draft.fields.forEach(function (f) {
      (byName[f[0]] = byName[f[0]] || []).push(f);
    });
    Array.prototype.forEach.call(form.elements, function (el) {
      var got = byName[el.name];
      if (!got || SKIP[el.name]) return;
      if (el.type === 'checkbox' || el.type === 'radio') {
        got.forEach(function (f) { if (f[1] === el.value) el.checked = !!f[2]; });
      } else if (el.tagName === 'SELECT' && el.multiple) {
        Array.prototype.forEach.call(el.options, function (o) {
          got.forEach(function (f) { if (f[1] === o.value) o.selected = !!f[2]; });
        });
      } else {
        el.value = got[0][1];
      }
    });
    var note = document.getElementById('draft-restored');
    if (note) note.hidden = false;
  }

  var form = document.querySelector('form[data-draft]');
  if (!form) {
    if (!/^\/login(\/|$)/.test(location.pathname)) store.removeItem(KEY);
    return;
  }
  var draft = read();
  if (draft && draft.sent && draft.form === form.getAttribute('data-draft') && !typedAlready(form)) {
    restore(form, draft);
  }
  save(form, false);
  form.addEventListener('input', function () { save(form, false); });
  form.addEventListener('change', function () { save(form, false); });
  form.addEventListener('submit', function () { save(form, true); });
}());
