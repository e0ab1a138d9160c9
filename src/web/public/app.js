// Small progressive enhancements: toasts fade out, HTMX `toast` events become toasts.
(function () {
  'use strict';
  function dismissLater(el) {
    if (el.dataset.timer) return;
    el.dataset.timer = '1';
    setTimeout(
      function () {
        el.remove();
      },
      el.classList.contains('toast-error') ? 9000 : 5000,
    );
  }
  function showToast(message, kind) {
    var box = document.getElementById('toasts');
    if (!box) return;
    var el = document.createElement('div');
    el.className = 'toast' + (kind === 'error' ? ' toast-error' : ' toast-success');
    el.textContent = message;
    box.appendChild(el);
    dismissLater(el);
  }
  document.addEventListener('DOMContentLoaded', function () {
    document.querySelectorAll('#toasts .toast').forEach(dismissLater);
  });
  // Server answers may carry HX-Trigger: {"toast": {"message": "...", "kind": "success"}}
  document.addEventListener('toast', function (e) {
    var d = e.detail || {};
    showToast(d.message || String(d.value || ''), d.kind);
  });
  document.addEventListener('htmx:afterSwap', function (e) {
    if (e.target && e.target.id === 'toasts') {
      e.target.querySelectorAll('.toast').forEach(dismissLater);
    }
  });
  document.addEventListener('htmx:sendError', function () {
    showToast('Network error: the server could not be reached.', 'error');
  });
  window.jsruntimeToast = showToast;
})();
