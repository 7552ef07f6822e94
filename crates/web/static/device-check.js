// The device check (issue 6): camera, microphone, speaker and connection, all in the browser.
// Nothing is sent anywhere except a few tiny requests to this server to time the connection.
const list = document.getElementById('device-checks');
const say = (id, key, extra) => {
  const el = document.getElementById(id);
  el.textContent = list.dataset[key] + (extra ? ` ${extra}` : '');
  el.dataset.state = key;
};

document.getElementById('dev-needs-script').hidden = true;

let stream = null;

async function camera() {
  say('camera-result', 'checking');
  if (!navigator.mediaDevices?.getUserMedia) return say('camera-result', 'unsupported');
  try {
    const s = await navigator.mediaDevices.getUserMedia({ video: true });
    const video = document.getElementById('camera-preview');
    video.srcObject = s;
    stream = s;
    say('camera-result', s.getVideoTracks().length ? 'ok' : 'failed');
  } catch (e) {
    say('camera-result', e && e.name === 'NotAllowedError' ? 'blocked' : 'failed');
  }
}

async function microphone() {
  say('microphone-result', 'checking');
  if (!navigator.mediaDevices?.getUserMedia) return say('microphone-result', 'unsupported');
  try {
    const s = await navigator.mediaDevices.getUserMedia({ audio: true });
    const ctx = new AudioContext();
    const analyser = ctx.createAnalyser();
    ctx.createMediaStreamSource(s).connect(analyser);
    const data = new Uint8Array(analyser.fftSize);
    const meter = document.getElementById('mic-level');
    let peak = 0;
    const started = performance.now();
    await new Promise((done) => {
      const tick = () => {
        analyser.getByteTimeDomainData(data);
        let level = 0;
        for (const v of data) level = Math.max(level, Math.abs(v - 128));
        meter.value = Math.min(100, Math.round((level / 128) * 100));
        peak = Math.max(peak, level);
        if (performance.now() - started < 1500) requestAnimationFrame(tick);
        else done();
      };
      tick();
    });
    s.getTracks().forEach((t) => t.stop());
    await ctx.close();
    say('microphone-result', s.getAudioTracks().length ? 'ok' : 'failed');
    document.getElementById('microphone-result').dataset.peak = String(peak);
  } catch (e) {
    say('microphone-result', e && e.name === 'NotAllowedError' ? 'blocked' : 'failed');
  }
}

async function speaker() {
  try {
    const ctx = new AudioContext();
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    gain.gain.value = 0.1;
    osc.frequency.value = 440;
    osc.connect(gain).connect(ctx.destination);
    osc.start();
    await new Promise((r) => setTimeout(r, 700));
    osc.stop();
    await ctx.close();
    say('speaker-result', 'ok');
  } catch {
    say('speaker-result', 'failed');
  }
}

async function connection() {
  const out = document.getElementById('connection-result');
  say('connection-result', 'checking');
  try {
    const times = [];
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      const r = await fetch('/healthz', { cache: 'no-store', credentials: 'same-origin' });
      if (!r.ok) throw new Error(String(r.status));
      times.push(performance.now() - t0);
    }
    const ms = Math.round(times.reduce((a, b) => a + b, 0) / times.length);
    const webrtc = typeof RTCPeerConnection === 'function';
    say('connection-result', webrtc ? 'ok' : 'unsupported', out.dataset.template.replace('__MS__', String(ms)));
    out.dataset.ms = String(ms);
  } catch {
    say('connection-result', 'failed');
  }
}

async function runAll() {
  if (stream) stream.getTracks().forEach((t) => t.stop());
  await camera();
  await microphone();
  await connection();
}

document.getElementById('run-checks').addEventListener('click', runAll);
document.getElementById('play-tone').addEventListener('click', speaker);
