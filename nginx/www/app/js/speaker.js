// speaker.js - plays a spoken question through Web Audio, sentence by
// sentence: the server sends each sentence's WAV as soon as it is made
// (the answer stream's "audio" events, in any order), and each is played,
// in sequence order, as soon as it and the ones before it are here.  So
// the first sentence is heard while the rest are still being made.  A
// question asked earlier comes as one WAV (GET .../questions/n/audio), a
// sequence of one.
//
//   const speaker = createSpeaker({ onChange });   // onChange(speaker)
//   speaker.begin(n, { play });    // question n from now on: stops the last;
//                                  // play false: its parts wait for resume()
//   speaker.add(n, seq, bytes);    // an ArrayBuffer holding a WAV
//   speaker.end(n, count);         // count parts in all: no more are coming
//   speaker.pause(); speaker.resume(); speaker.replay(); speaker.stop();
//   speaker.warm();                // on a press: lets later sound start
//   speaker.owner, speaker.state   // which question, and
//       'idle' | 'loading' | 'playing' | 'paused' | 'stopped' | 'ended' | 'blocked' |
//       'failed'
//
// 'blocked' is the browser refusing to start sound before the person has
// pressed anything on the page (autoplay rules): a press of Play then
// starts it.  'stopped' is silenced by stop() (a recording began): Play
// starts the question again from its first sentence.  One AudioContext
// serves the page; nothing is stored.

const LEAD_SECONDS = 0.05; // scheduling margin for the first part
const WAKE_MS = 400; // how long a refused context is given before 'blocked'

export function createSpeaker({ onChange = () => {} } = {}) {
  let ctx = null;
  let parts = []; // decoded AudioBuffers by seq
  let expected = Infinity; // parts coming, once end() says
  let next = 0; // the next seq to schedule
  let endsAt = 0; // context time the scheduled parts end
  let sources = [];
  let generation = 0; // bumps on begin/replay/stop: late decodes of older ones are dropped

  const speaker = { owner: null, state: 'idle' };

  function set(state) {
    if (speaker.state !== state) {
      speaker.state = state;
      onChange(speaker);
    }
  }

  function context() {
    if (!ctx) {
      ctx = new AudioContext();
    }
    return ctx;
  }

  function silence() {
    for (const s of sources) {
      s.onended = null;
      try {
        s.stop();
      } catch {
        // never started
      }
      s.disconnect();
    }
    sources = [];
  }

  function finished() {
    return next >= expected;
  }

  // Schedules every part that can follow the ones already scheduled.
  function schedule() {
    const c = context();
    while (parts[next]) {
      const source = c.createBufferSource();
      source.buffer = parts[next];
      source.connect(c.destination);
      const at = Math.max(endsAt, c.currentTime + LEAD_SECONDS);
      source.start(at);
      endsAt = at + source.buffer.duration;
      next += 1;
      const mine = generation;
      source.onended = () => {
        sources = sources.filter((s) => s !== source);
        if (mine === generation && sources.length === 0 && finished()) {
          set('ended');
        }
      };
      sources.push(source);
    }
  }

  // Wakes the context; resolves once it runs, or after WAKE_MS: a context
  // the browser does not allow to start yet keeps its resume() pending
  // until the person presses something, and then starts by itself.
  function wake(c) {
    if (c.state === 'running') {
      return Promise.resolve();
    }
    return Promise.race([c.resume().catch(() => {}),
      new Promise((done) => { window.setTimeout(done, WAKE_MS); })]);
  }

  async function start() {
    const c = context();
    const mine = generation;
    await wake(c);
    if (mine !== generation) {
      return; // stopped or replaced meanwhile
    }
    if (c.state !== 'running') {
      set('blocked');
      c.addEventListener('statechange', () => {
        if (mine === generation && c.state === 'running' && speaker.state === 'blocked') {
          start();
        }
      }, { once: true });
      return;
    }
    schedule();
    if (sources.length) {
      set('playing');
    } else if (finished()) {
      set(next > 0 ? 'ended' : 'failed');
    } else {
      set('loading');
    }
  }

  speaker.begin = (n, { play = true } = {}) => {
    generation += 1;
    silence();
    parts = [];
    expected = Infinity;
    next = 0;
    endsAt = 0;
    speaker.owner = n;
    speaker.state = play ? 'loading' : 'paused';
    onChange(speaker); // a new owner, whatever the state
    if (play) {
      start();
    }
  };

  speaker.add = async (n, seq, bytes) => {
    if (n !== speaker.owner) {
      return;
    }
    const mine = generation;
    let buffer;
    try {
      buffer = await context().decodeAudioData(bytes);
    } catch {
      if (mine === generation) {
        set('failed');
      }
      return;
    }
    if (mine !== generation) {
      return;
    }
    parts[seq] = buffer;
    if (speaker.state === 'loading' || speaker.state === 'playing') {
      start();
    }
  };

  speaker.end = (n, count) => {
    if (n !== speaker.owner) {
      return;
    }
    expected = count;
    if ((speaker.state === 'loading' || speaker.state === 'playing') && finished() &&
        sources.length === 0) {
      set(next > 0 ? 'ended' : 'failed');
    }
  };

  // Called on a press: the context made (or woken) now is allowed to
  // sound later, when the next question arrives.
  speaker.warm = () => {
    const c = context();
    if (c.state === 'suspended' && speaker.state !== 'paused') {
      c.resume().catch(() => {});
    }
  };

  speaker.pause = () => {
    if (ctx && (speaker.state === 'playing' || speaker.state === 'loading')) {
      ctx.suspend();
      set('paused');
    }
  };

  speaker.resume = () => {
    if (sources.length && ctx && ctx.state === 'suspended') {
      set('playing');
      ctx.resume();
      return;
    }
    start();
  };

  // From the first sentence again, with whatever parts are here.
  speaker.replay = () => {
    generation += 1;
    silence();
    next = 0;
    endsAt = 0;
    set('loading');
    start();
  };

  // Silence; Play then starts the question from its first sentence.
  speaker.stop = () => {
    generation += 1;
    silence();
    next = 0;
    endsAt = 0;
    if (speaker.state !== 'idle' && speaker.state !== 'ended') {
      set('stopped');
    }
  };

  return speaker;
}

// The bytes of a base64 string (an "audio" event's wav).
export function base64Bytes(text) {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i += 1) {
    out[i] = bin.charCodeAt(i);
  }
  return out.buffer;
}
