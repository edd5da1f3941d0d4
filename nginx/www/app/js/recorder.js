// recorder.js - records a spoken answer from the microphone: getUserMedia,
// an AudioWorklet (wav-worklet.js) that hands over the samples and their
// level, and on stop a 16 kHz mono 16-bit WAV (wav.js).  The recording
// lives in this page's memory only; nothing is stored or uploaded here.
import { SPEECH_RATE, concat, encodeWav, resample } from './wav.js';

// The server takes at most 5 minutes (and 10 MB) per answer.
export const MAX_SECONDS = 300;

export function isSupported() {
  return Boolean(navigator.mediaDevices && navigator.mediaDevices.getUserMedia &&
    window.AudioContext && window.AudioWorkletNode);
}

// Starts recording.  onLevel(rms 0..1, seconds) is called for each block;
// onLimit() when MAX_SECONDS is reached (the caller then calls stop()).
// Resolves to { stop(): Promise<{ blob, seconds }>, cancel() }; rejects
// when the microphone is refused or missing (err.name as getUserMedia's).
export async function startRecording({ onLevel, onLimit } = {}) {
  const stream = await navigator.mediaDevices.getUserMedia({
    audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true },
  });
  let ctx;
  try {
    ctx = new AudioContext();
    await ctx.audioWorklet.addModule('/app/js/wav-worklet.js');
  } catch (err) {
    stream.getTracks().forEach((t) => t.stop());
    if (ctx) {
      ctx.close();
    }
    throw err;
  }
  const source = ctx.createMediaStreamSource(stream);
  const node = new AudioWorkletNode(ctx, 'jobtune-capture', {
    numberOfInputs: 1,
    numberOfOutputs: 1,
    channelCount: 1,
    channelCountMode: 'explicit',
  });
  const chunks = [];
  let frames = 0;
  let limited = false;
  let finished = null;
  const done = new Promise((resolve) => { finished = resolve; });
  node.port.onmessage = (e) => {
    if (e.data.done) {
      finished();
      return;
    }
    if (frames >= MAX_SECONDS * ctx.sampleRate) {
      if (!limited) {
        limited = true;
        if (onLimit) {
          onLimit();
        }
      }
      return;
    }
    chunks.push(e.data.samples);
    frames += e.data.samples.length;
    if (onLevel) {
      onLevel(Math.min(1, e.data.rms * 4), frames / ctx.sampleRate);
    }
  };
  source.connect(node);
  // The node writes silence; connecting it keeps the graph pulling it.
  node.connect(ctx.destination);

  const release = () => {
    source.disconnect();
    node.disconnect();
    stream.getTracks().forEach((t) => t.stop());
    return ctx.close();
  };

  return {
    async stop() {
      node.port.postMessage('stop');
      await done;
      const rate = ctx.sampleRate;
      await release();
      const samples = resample(concat(chunks), rate, SPEECH_RATE);
      chunks.length = 0;
      return { blob: encodeWav(samples, SPEECH_RATE), seconds: samples.length / SPEECH_RATE };
    },
    cancel() {
      chunks.length = 0;
      release();
    },
  };
}
