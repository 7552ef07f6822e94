// Live updates of an open thread (issue 7). Progressive enhancement: without this script, or
// without WebSockets, the page works as before (reload to see new messages).
//
// The socket carries ids only. When the server says a message is in the thread, the page
// fetches the rendered messages after the last one it shows, from the same origin and with the
// same session, an ordinary audited read (`GET /messages/{id}/new?after=...`).
const list = document.querySelector('ol.messages[data-thread]');
const status = document.getElementById('live-status');

if (list && 'WebSocket' in window) {
  const thread = list.dataset.thread;
  const SESSION_ENDED = 4401;
  let retry = 1000;
  let queue = Promise.resolve();

  const lastShown = () => {
    const items = list.querySelectorAll('li[data-message]');
    return items.length ? items[items.length - 1].dataset.message : '';
  };

  // One fetch at a time, so two events never insert the same message twice.
  const catchUp = () => {
    queue = queue.then(fetchNew).catch(() => {});
  };

  async function fetchNew() {
    const after = lastShown();
    const url = `/messages/${encodeURIComponent(thread)}/new${after ? `?after=${encodeURIComponent(after)}` : ''}`;
    const r = await fetch(url, { credentials: 'same-origin', headers: { accept: 'text/html' } });
    if (!r.ok) return;
    const tpl = document.createElement('template');
    tpl.innerHTML = await r.text();
    const added = [];
    for (const li of tpl.content.querySelectorAll('li[data-message]')) {
      if (!list.querySelector(`li[data-message="${CSS.escape(li.dataset.message)}"]`)) {
        list.append(li);
        added.push(li);
      }
    }
    // Screen readers hear about it; focus stays where the reader is (maybe mid-sentence in a reply).
    if (added.length && status) {
      status.textContent = added.map((li) => li.dataset.announce).join('. ');
    }
  }

  function connect() {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(`${scheme}//${location.host}/ws`);
    ws.addEventListener('open', () => {
      retry = 1000;
      ws.send(JSON.stringify({ type: 'subscribe', thread, after: lastShown() || undefined }));
    });
    ws.addEventListener('message', (ev) => {
      let m;
      try {
        m = JSON.parse(ev.data);
      } catch {
        return;
      }
      if ((m.type === 'message' && m.thread === thread) || m.type === 'resync') catchUp();
    });
    ws.addEventListener('close', (ev) => {
      // A signed-out session stays signed out; anything else (a restart, a network blip) retries.
      if (ev.code === SESSION_ENDED) return;
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 30000);
    });
  }

  connect();
}
