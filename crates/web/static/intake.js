// Saves the intake form as a draft while the client types: after a pause in typing, and when
// the page is left. The server keeps the draft sealed; the next visit resumes it. Without
// this script, the form's "Save draft" button does the same.
const DELAY_MS = 1500;

const form = document.getElementById('intake-form');
const status = document.getElementById('intake-autosave-status');

if (form && status) {
  let timer = null;
  let dirty = false;
  let saving = null;
  let stopped = false;

  const body = () => {
    const data = new URLSearchParams(new FormData(form));
    data.set('autosave', '1');
    return data;
  };

  const save = async () => {
    timer = null;
    if (stopped || !dirty) return;
    if (saving) {
      await saving;
      return save();
    }
    dirty = false;
    saving = (async () => {
      try {
        const r = await fetch('/me/intake/draft', {
          method: 'POST',
          body: body(),
          credentials: 'same-origin',
          headers: { accept: 'application/json' },
        });
        if (r.status === 409) {
          // The answers were sent from another page meanwhile: nothing more to save here.
          stopped = true;
          status.textContent = status.dataset.sent;
          return;
        }
        if (!r.ok) throw new Error(`HTTP ${r.status}`);
        const j = await r.json();
        status.textContent = j.message;
      } catch {
        dirty = true;
        status.textContent = status.dataset.failed;
      }
    })();
    await saving;
    saving = null;
  };

  const changed = () => {
    if (stopped) return;
    dirty = true;
    if (timer) clearTimeout(timer);
    timer = setTimeout(save, DELAY_MS);
  };

  form.addEventListener('input', changed);
  form.addEventListener('change', changed);
  form.addEventListener('submit', () => {
    // The form itself is being sent (or saved): no later autosave may follow it.
    stopped = true;
    if (timer) clearTimeout(timer);
  });
  window.addEventListener('pagehide', () => {
    if (dirty && !stopped) {
      navigator.sendBeacon('/me/intake/draft', body());
    }
  });
}
