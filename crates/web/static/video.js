// WebRTC video for a session's room (issue 6): peer to peer, a mesh of up to six, signalled
// over the app's own WebSocket (`/ws`: the `join` / `signal` / `leave` frames of
// `crate::sessions::signal`). Media never passes through Alcove and nothing is recorded.
//
// The room page (`templates/sessions/room.html`) gives `#peers` with `data-session`,
// `data-self`, `data-ice` and the tile words (`data-t-*`, from Fluent); `#self-view`, the
// local preview; the `#mute`, `#camera` and `#audio-only` toggles, which this script keeps.
// The fallback panel is `session.js`'s too: this script tells it, with
// `alcove:connection-lost` and `alcove:reconnected` on `document` (it shows or hides
// `#fallback` and notes the problem on the session record), and rejoins on
// `alcove:reconnect` (the `#reconnect` button).
//
// Each pair of peers negotiates with the "perfect negotiation" pattern (W3C WebRTC 1.0,
// section 10.7): of each pair the page with the smaller peer id calls (so pages that join at
// the same moment neither both offer nor both wait); if both ever offer at once (a later
// renegotiation), the polite one (the smaller peer id) rolls back. Tests read
// `window.alcoveVideo`.
//
// Negotiation does not wait for the camera. Each connection has one audio and one video
// transceiver from the start; our tracks are put on their senders (`replaceTrack`, which needs
// no renegotiation) whenever the camera and microphone open. So a connection comes up while the
// camera is still starting, which on a busy machine is most of the time it takes to enter.
const root = document.getElementById('peers');

if (root && root.dataset.session && 'RTCPeerConnection' in window) {
  const session = root.dataset.session;
  const SESSION_ENDED = 4401;
  const words = (key) => root.dataset[`t${key[0].toUpperCase()}${key.slice(1)}`] || key;
  const statusRegion = document.getElementById('connection-status');
  const selfView = document.getElementById('self-view');
  const audioOnlyAtStart = root.dataset.audioOnly === 'true';

  /** @type {Map<string, any>} peer id -> { pc, info, tile, polite, makingOffer, ignoreOffer, queue } */
  const peers = new Map();
  let ws = null;
  let me = null; // our peer id in the session, fresh on every join
  // Our stream: empty until the camera and microphone open, then their tracks.
  const local = new MediaStream();
  let iceServers = [];
  let iceTransportPolicy = 'all'; // 'relay' in a group with TURN: clients never see each other's addresses
  let lost = false; // the fallback is showing
  let leaving = false; // the page is going away or the session ended
  let wanted = true; // whether we should be in the session (false after a deliberate leave)
  let muted = false;
  let cameraOff = false;
  let audioOnly = audioOnlyAtStart;

  // When each step happened (ms since the epoch), for scripts/e2e-video to say where time goes.
  const steps = [];
  const step = (what) => steps.push([what, Math.round(performance.timeOrigin + performance.now())]);
  step('script');

  const send = (frame) => {
    if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(frame));
  };
  const signal = (to, data) => send({ type: 'signal', session, to, data });
  const announce = (text) => {
    if (statusRegion) statusRegion.textContent = text;
  };
  const emit = (name, detail) => document.dispatchEvent(new CustomEvent(name, { detail }));

  async function loadIce() {
    try {
      const r = await fetch(root.dataset.ice || `/sessions/${encodeURIComponent(session)}/ice`, {
        credentials: 'same-origin',
        headers: { accept: 'application/json' },
      });
      if (r.ok) {
        const config = await r.json();
        iceServers = config.ice_servers || [];
        iceTransportPolicy = config.ice_transport_policy === 'relay' ? 'relay' : 'all';
      }
    } catch {
      iceServers = [];
    }
  }

  // In a group every page encodes one video per other participant (a mesh of up to six), so
  // each is smaller: what a home connection and a laptop can send five times over.
  const camera = root.dataset.group === 'true' ? { width: { ideal: 480 }, height: { ideal: 360 } } : true;

  async function openMedia() {
    let opened = null;
    try {
      opened = await navigator.mediaDevices.getUserMedia({ audio: true, video: audioOnly ? false : camera });
    } catch {
      // No camera (or it was refused): carry on with the microphone alone.
      try {
        opened = await navigator.mediaDevices.getUserMedia({ audio: true, video: false });
      } catch {
        announce(words('noMedia'));
      }
    }
    if (opened) for (const t of opened.getTracks()) local.addTrack(t);
    step('media');
    if (selfView) {
      selfView.muted = true;
      selfView.srcObject = local;
    }
    applyToggles();
    for (const entry of peers.values()) attachMedia(entry);
  }

  // --- tiles -------------------------------------------------------------------------------

  function stateWord(s) {
    return words(s === 'new' || s === 'checking' ? 'connecting' : s);
  }

  function makeTile(info) {
    const fig = document.createElement('figure');
    fig.className = 'tile';
    fig.dataset.peer = info.id;
    fig.dataset.role = info.role;
    fig.dataset.state = 'connecting';
    const video = document.createElement('video');
    video.autoplay = true;
    video.playsInline = true;
    video.setAttribute('aria-label', info.name);
    const cap = document.createElement('figcaption');
    const name = document.createElement('span');
    name.className = 'tile-name';
    name.textContent = info.name;
    const state = document.createElement('span');
    state.className = 'tile-state';
    state.textContent = stateWord('connecting');
    cap.append(name, ' ', state);
    fig.append(video, cap);
    root.append(fig);
    return fig;
  }

  function setTileState(entry, s) {
    entry.tile.dataset.state = s;
    entry.tile.querySelector('.tile-state').textContent = stateWord(s);
  }

  // --- peer connections --------------------------------------------------------------------

  /** The calling side's transceivers, one audio and one video, both ways from the start. */
  function addTransceivers(entry) {
    if (entry.pc.getTransceivers().length) return;
    for (const kind of ['audio', 'video']) entry.pc.addTransceiver(kind, { direction: 'sendrecv', streams: [local] });
    attachMedia(entry);
  }

  /** The answering side sends on the transceivers the offer made, as part of our stream. */
  function sendOnOffered(entry) {
    for (const t of entry.pc.getTransceivers()) {
      if (t.currentDirection === 'stopped' || t.direction === 'sendrecv') continue;
      t.direction = 'sendrecv';
      if (t.sender.setStreams) t.sender.setStreams(local);
    }
    attachMedia(entry);
  }

  /** Puts our current track of each kind (or none yet) on the connection's senders. */
  function attachMedia(entry) {
    for (const t of entry.pc.getTransceivers()) {
      if (t.currentDirection === 'stopped') continue;
      const track = local.getTracks().find((x) => x.kind === t.receiver.track.kind) || null;
      if (t.sender.track !== track) t.sender.replaceTrack(track).catch((e) => console.warn('video: track', e));
    }
  }

  function addPeer(info) {
    // The same person on a new peer id (they reconnected): their old connection is gone.
    for (const [id, e] of peers) {
      if (e.info.user === info.user && id !== info.id) dropPeer(id);
    }
    if (peers.has(info.id)) return peers.get(info.id);
    const pc = new RTCPeerConnection({ iceServers, iceTransportPolicy });
    const entry = {
      pc,
      info,
      tile: makeTile(info),
      polite: me < info.id,
      makingOffer: false,
      ignoreOffer: false,
      wasConnected: false,
      queue: Promise.resolve(),
    };
    peers.set(info.id, entry);
    pc.onnegotiationneeded = async () => {
      try {
        entry.makingOffer = true;
        await pc.setLocalDescription();
        signal(info.id, { description: pc.localDescription.toJSON() });
      } catch (e) {
        console.warn('video: offer failed', e);
      } finally {
        entry.makingOffer = false;
      }
    };
    pc.onicecandidate = ({ candidate }) => {
      if (candidate) signal(info.id, { candidate: candidate.toJSON() });
    };
    pc.ontrack = ({ streams, track }) => {
      const video = entry.tile.querySelector('video');
      // Without a stream id (an older browser on the other side), one stream per peer holds
      // both its tracks, so the video's arrival does not take the sound away.
      let stream = streams[0];
      if (!stream) {
        entry.remote = entry.remote || new MediaStream();
        entry.remote.addTrack(track);
        stream = entry.remote;
      }
      if (video.srcObject !== stream) video.srcObject = stream;
    };
    pc.onconnectionstatechange = () => {
      const s = pc.connectionState;
      setTileState(entry, s);
      if (s === 'connected') {
        step(`connected ${info.name}`);
        entry.wasConnected = true;
        maybeRecovered();
      } else if (s === 'disconnected' || s === 'failed') {
        connectionLost('peer');
      }
    };
    // Exactly one of each pair calls, the one whose peer id sorts first, whoever came first:
    // pages that join at the same moment hear of each other twice (as arriving and as
    // present), and a rule both sides work out alike never has both offer or both wait.
    // Adding transceivers starts the negotiation; the other side sends on them when it answers.
    if (me && me < info.id) addTransceivers(entry);
    return entry;
  }

  function dropPeer(id) {
    const e = peers.get(id);
    if (!e) return;
    peers.delete(id);
    e.pc.close();
    e.tile.remove();
  }

  async function onSignal(from, data) {
    const entry = peers.get(from);
    if (!entry) return;
    const { pc } = entry;
    if (data.description) {
      const d = data.description;
      const collision = d.type === 'offer' && (entry.makingOffer || pc.signalingState !== 'stable');
      entry.ignoreOffer = !entry.polite && collision;
      if (entry.ignoreOffer) return;
      await pc.setRemoteDescription(d); // rolls back our own offer if we are polite
      if (d.type === 'offer') {
        // The answering side sends its own media too, on the offered m-lines.
        sendOnOffered(entry);
        await pc.setLocalDescription();
        signal(from, { description: pc.localDescription.toJSON() });
      }
    } else if (data.candidate) {
      try {
        await pc.addIceCandidate(data.candidate);
      } catch (e) {
        if (!entry.ignoreOffer) console.warn('video: candidate refused', e);
      }
    }
  }

  // --- the socket ---------------------------------------------------------------------------

  function connect() {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const socket = new WebSocket(`${scheme}//${location.host}/ws`);
    ws = socket;
    socket.addEventListener('open', () => {
      step('socket');
      send({ type: 'join', session });
    });
    socket.addEventListener('message', (ev) => {
      let m;
      try {
        m = JSON.parse(ev.data);
      } catch {
        return;
      }
      if (m.session && m.session !== session) return;
      switch (m.type) {
        case 'joined':
          step('joined');
          me = m.peer;
          root.dataset.peer = me;
          maybeRecovered();
          break;
        case 'peers':
          for (const p of m.peers) addPeer(p);
          break;
        case 'signal': {
          const e = peers.get(m.from);
          if (e) e.queue = e.queue.then(() => onSignal(m.from, m.data)).catch((err) => console.warn('video: signal', err));
          break;
        }
        case 'left':
          if (m.peer !== me) {
            const e = peers.get(m.peer);
            // Someone who lost their connection (not someone who left): the fallback applies.
            if (e && m.dropped && !leaving) connectionLost('peer');
            dropPeer(m.peer);
          }
          break;
        case 'ended':
          leaving = true;
          closeAll();
          break;
        case 'error':
          console.warn('video: refused', m.code);
          break;
        default:
          break;
      }
    });
    socket.addEventListener('close', (ev) => {
      if (ws !== socket) return; // an old socket we replaced
      ws = null;
      if (ev.code === SESSION_ENDED || leaving || !wanted) return;
      // The others dropped our connections when the server lost us: ours are dead too.
      closeAll();
      me = null;
      connectionLost('socket');
    });
  }

  function closeAll() {
    for (const id of [...peers.keys()]) dropPeer(id);
  }

  function connectionLost(why) {
    if (leaving) return;
    if (!lost) {
      lost = true;
      root.dataset.lost = why;
      announce(words('lost'));
      emit('alcove:connection-lost', { why });
    }
  }

  function maybeRecovered() {
    if (!lost || !ws || ws.readyState !== WebSocket.OPEN || !me) return;
    const all = [...peers.values()];
    if (all.length && all.every((e) => e.pc.connectionState === 'connected')) {
      lost = false;
      delete root.dataset.lost;
      announce(words('reconnected'));
      emit('alcove:reconnected', {});
    }
  }

  /** Leaves and joins again as a new peer: the others drop the old connection and take the new. */
  function rejoin() {
    wanted = true;
    leaving = false;
    closeAll();
    me = null;
    const old = ws;
    ws = null;
    if (old) {
      try {
        old.send(JSON.stringify({ type: 'leave', session }));
      } catch {
        /* it was already gone */
      }
      old.close();
    }
    connect();
  }

  // --- the toggles --------------------------------------------------------------------------
  // This script owns the buttons: their aria-pressed state, and the label from `data-on`
  // (shown while pressed) or `data-off`. A switch to or from audio only is told to
  // `session.js` with `alcove:audio-only`, which notes it on the session record.

  function press(id, on) {
    const b = document.getElementById(id);
    if (!b) return;
    b.setAttribute('aria-pressed', on ? 'true' : 'false');
    const label = on ? b.dataset.on : b.dataset.off;
    if (label) b.textContent = label;
  }

  function applyToggles() {
    press('mute', muted);
    press('camera', cameraOff);
    press('audio-only', audioOnly);
    for (const t of local.getAudioTracks()) t.enabled = !muted;
    for (const t of local.getVideoTracks()) t.enabled = !cameraOff && !audioOnly;
    if (selfView) selfView.hidden = audioOnly || cameraOff || !local.getVideoTracks().length;
  }

  const onClick = (id, fn) => {
    const b = document.getElementById(id);
    if (b) b.addEventListener('click', fn);
  };
  onClick('mute', () => {
    muted = !muted;
    applyToggles();
  });
  onClick('camera', () => {
    cameraOff = !cameraOff;
    applyToggles();
  });
  onClick('audio-only', async () => {
    audioOnly = !audioOnly;
    applyToggles();
    emit('alcove:audio-only', { on: audioOnly });
    // Back to video after starting audio-only: the camera opens now and joins each call.
    if (!audioOnly && !local.getVideoTracks().length) {
      try {
        const cam = await navigator.mediaDevices.getUserMedia({ video: camera });
        const track = cam.getVideoTracks()[0];
        local.addTrack(track);
        if (selfView) selfView.srcObject = local;
        // Every connection already has a video sender (both ways from the start).
        for (const entry of peers.values()) attachMedia(entry);
      } catch {
        announce(words('noMedia'));
      }
      applyToggles();
    }
  });

  document.addEventListener('alcove:reconnect', rejoin);
  window.addEventListener('pagehide', () => {
    leaving = true;
    wanted = false;
    send({ type: 'leave', session });
  });
  // session.js ends the room for everyone (the clinician ended it, or time is up).
  document.addEventListener('alcove:session-ended', () => {
    leaving = true;
    wanted = false;
    send({ type: 'leave', session });
    closeAll();
    for (const t of local.getTracks()) t.stop();
  });

  // --- for tests and the e2e measurement ------------------------------------------------------

  window.alcoveVideo = {
    self: () => me,
    steps: () => steps.slice(),
    peers: () =>
      [...peers.entries()].map(([id, e]) => ({
        id,
        user: e.info.user,
        name: e.info.name,
        state: e.pc.connectionState,
      })),
    /** Inbound video per peer, from getStats: frames decoded so far and the frame rate. */
    async stats() {
      const out = [];
      for (const [id, e] of peers) {
        const report = await e.pc.getStats();
        report.forEach((s) => {
          if (s.type === 'inbound-rtp' && s.kind === 'video') {
            out.push({
              peer: id,
              framesDecoded: s.framesDecoded || 0,
              framesPerSecond: s.framesPerSecond || 0,
              timestamp: s.timestamp,
            });
          }
        });
      }
      return out;
    },
    /** Simulates a network cut of this page's socket (no goodbye: the others see a drop). */
    dropSocket() {
      if (ws) ws.close(4000, 'test drop');
    },
    /** Closes one peer connection as a failed network would leave it. */
    closePeer(id) {
      const e = peers.get(id);
      if (e) e.pc.close();
    },
    rejoin,
  };

  // The camera opens while we join: connections need the ICE servers, not the media.
  openMedia();
  loadIce().then(() => {
    step('ice');
    connect();
  });
}
