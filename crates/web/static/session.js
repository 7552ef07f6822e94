// Session pages (issue 6): the waiting room, the clinician's view and the room.
// Progressive enhancement: without this script every page still works by following its links
// ("Check again", "Refresh"); with it, each page reads `/sessions/{id}/status` (a database
// read, so it works whichever instance serves it) when `/ws` says the session changed (the
// `watch` frame of `crate::sessions::signal`; the event crosses instances) and, in case a
// change is missed, every few seconds; and
//  - the waiting room shows the way in as soon as the clinician admits the client;
//  - the clinician's page reloads when a client checks in or is admitted;
//  - the room runs the session clock (cues at 10 and 5 minutes left), closes for everyone
//    when the session ends, shows the fallback panel when the video script reports a dropped
//    connection, and notes problems on the session record.
const POLL_MS = 3000;

const waiting = document.getElementById('waiting-room');
const hostStatus = document.getElementById('host-status');
const peers = document.getElementById('peers');

async function status(id) {
  const r = await fetch(`/sessions/${encodeURIComponent(id)}/status`, {
    credentials: 'same-origin',
    headers: { accept: 'application/json' },
  });
  if (!r.ok) throw new Error(`status ${r.status}`);
  return r.json();
}

// Once the page is being left (a form such as "Admit" was sent, or a link followed), a change
// heard meanwhile must not reload it: that would abort the navigation under way.
let leaving = false;
window.addEventListener('beforeunload', () => {
  leaving = true;
});
document.addEventListener('submit', () => {
  leaving = true;
});
function reload() {
  if (!leaving) location.reload();
}

/**
 * Runs `fn` every `ms` and whenever the server says session `id` changed; `stop()` ends both.
 * A tick that finds a change mid-run runs once more after it.
 */
function every(ms, id, fn) {
  let busy = false;
  let again = false;
  let stopped = false;
  let socket = null;
  const tick = async () => {
    if (stopped || leaving) return;
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    try {
      await fn();
    } catch {
      /* the next tick tries again */
    } finally {
      busy = false;
    }
    if (again) {
      again = false;
      tick();
    }
  };
  const timer = setInterval(tick, ms);
  const listen = () => {
    if (stopped || !('WebSocket' in window)) return;
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    socket = new WebSocket(`${scheme}//${location.host}/ws`);
    socket.addEventListener('open', () => {
      socket.send(JSON.stringify({ type: 'watch', session: id }));
      tick(); // anything that changed before the watch began
    });
    socket.addEventListener('message', (ev) => {
      try {
        const m = JSON.parse(ev.data);
        if (m.type === 'changed' && m.session === id) tick();
      } catch {
        /* not ours */
      }
    });
    socket.addEventListener('close', () => {
      if (!stopped) setTimeout(listen, ms);
    });
  };
  listen();
  return {
    stop() {
      stopped = true;
      clearInterval(timer);
      if (socket) socket.close();
    },
  };
}

// --- the waiting room -------------------------------------------------------------------
if (waiting && waiting.dataset.phase === 'waiting') {
  const id = waiting.dataset.session;
  const said = document.getElementById('waiting-status');
  const way = document.getElementById('waiting-admitted');
  const watch = every(POLL_MS, id, async () => {
    const s = await status(id);
    if (s.admitted) {
      watch.stop();
      said.textContent = way.dataset.text;
      way.hidden = false;
      document.getElementById('enter-room').focus();
    } else if (s.state === 'ended' || s.state === 'closed' || s.state === 'scheduled') {
      watch.stop();
      reload();
    }
  });
}

// --- the clinician's view ---------------------------------------------------------------
if (hostStatus) {
  const id = hostStatus.dataset.session;
  const seen = hostStatus.dataset.fingerprint;
  const watch = every(POLL_MS, id, async () => {
    const s = await status(id);
    if (s.fingerprint !== seen || s.state === 'ended' || s.state === 'closed') {
      watch.stop();
      reload();
    }
  });
}

// --- the room ---------------------------------------------------------------------------
/** Minutes left at `now` before `end` (both in ms), rounded up; negative when over. */
export function minutesLeft(end, now) {
  return Math.ceil((end - now) / 60000);
}

/** The cue due at `left` minutes, given the cues already given: 10, 5, 0 or null. */
export function cueFor(left, given) {
  for (const at of [0, 5, 10]) {
    if (left <= at && !given.has(at)) return at;
  }
  return null;
}

if (peers) {
  const id = peers.dataset.session;
  const clock = document.getElementById('session-clock');
  const remaining = document.getElementById('clock-remaining');
  const cue = document.getElementById('clock-cue');
  const end = Date.parse(clock.dataset.end);
  // Follow the server's clock: the page says what time the server had when it rendered, and
  // the page's own clock measures the time since.
  const offset = Date.parse(clock.dataset.now) - Date.now();
  const given = new Set();
  // Cues already behind us when the page opened are not announced: a late joiner at 3
  // minutes left hears the 5-minute cue once, not the 10-minute one as well.
  const startLeft = minutesLeft(end, Date.now() + offset);
  if (startLeft <= 5) given.add(10);
  if (startLeft <= 0) given.add(5);
  const CUE_TEXT = { 10: cue.dataset.cueTen, 5: cue.dataset.cueFive, 0: cue.dataset.cueZero };

  const tickClock = () => {
    const left = minutesLeft(end, Date.now() + offset);
    remaining.textContent =
      left > 0
        ? remaining.dataset.templateLeft.replace('__N__', String(left))
        : remaining.dataset.templateOver;
    const due = cueFor(left, given);
    if (due !== null) {
      given.add(due);
      cue.textContent = CUE_TEXT[due] ?? '';
      cue.dataset.cue = String(due);
    }
    clock.dataset.left = String(left);
  };
  tickClock();
  setInterval(tickClock, 1000);

  const over = () => {
    const done = document.getElementById('session-over');
    if (!done.hidden) return;
    done.hidden = false;
    document.getElementById('connection-status').textContent = done.dataset.text;
    document.dispatchEvent(new CustomEvent('alcove:session-ended'));
    setTimeout(() => location.assign(`/sessions/${encodeURIComponent(id)}`), 1500);
  };
  const watch = every(POLL_MS, id, async () => {
    const s = await status(id);
    if (s.ended || s.state === 'closed' || !s.admitted) {
      watch.stop();
      over();
    }
  });

  // Problems the room notes on the session record (codes only, never content).
  const note = (what) =>
    fetch(peers.dataset.problems, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf: peers.dataset.csrf, what }),
    }).catch(() => {});

  const fallback = document.getElementById('fallback');
  document.addEventListener('alcove:connection-lost', () => {
    if (fallback.hidden) {
      fallback.hidden = false;
      document.getElementById('fallback-heading').focus();
      note('connection_lost');
    }
  });
  document.addEventListener('alcove:reconnected', () => {
    if (!fallback.hidden) {
      fallback.hidden = true;
      note('reconnected');
    }
  });
  document.getElementById('reconnect').addEventListener('click', () => {
    document.dispatchEvent(new CustomEvent('alcove:reconnect'));
  });

  // The controls (#mute, #camera, #audio-only) belong to the video script, which keeps their
  // aria-pressed state and labels; a switch to or from audio only is noted on the record when
  // it says so with `alcove:audio-only` ({ detail: { on } }).
  document.addEventListener('alcove:audio-only', (e) => {
    const on = Boolean(e.detail && e.detail.on);
    peers.dataset.audioOnly = String(on);
    note(on ? 'switched_to_audio' : 'switched_to_video');
  });
}
