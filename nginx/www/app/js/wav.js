// wav.js - what the answer recorder does with the samples it collected:
// resample to the rate the speech service is best at (16 kHz mono, the
// rate the server passes through sample for sample, src/svc/audio.c) and
// encode a 16-bit PCM WAV, all in memory.

export const SPEECH_RATE = 16000;

// Float32Array chunks -> one Float32Array.
export function concat(chunks) {
  let total = 0;
  for (const c of chunks) {
    total += c.length;
  }
  const out = new Float32Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

// Resamples `samples` from `from` Hz to `to` Hz.  Downsampling averages
// the input samples each output sample covers (a box low-pass, enough
// against aliasing for speech); upsampling interpolates linearly.
export function resample(samples, from, to) {
  if (from === to) {
    return samples;
  }
  const ratio = from / to;
  const n = Math.floor(samples.length / ratio);
  const out = new Float32Array(n);
  if (ratio > 1) {
    for (let i = 0; i < n; i += 1) {
      const start = Math.floor(i * ratio);
      const end = Math.min(samples.length, Math.floor((i + 1) * ratio));
      let sum = 0;
      for (let j = start; j < end; j += 1) {
        sum += samples[j];
      }
      out[i] = end > start ? sum / (end - start) : 0;
    }
  } else {
    for (let i = 0; i < n; i += 1) {
      const x = i * ratio;
      const j = Math.floor(x);
      const t = x - j;
      const next = j + 1 < samples.length ? samples[j + 1] : samples[j];
      out[i] = samples[j] * (1 - t) + next * t;
    }
  }
  return out;
}

// A mono 16-bit PCM WAV (RIFF/WAVE, 44-byte header) of `samples` in
// [-1, 1] at `rate` Hz, as a Blob of type audio/wav.
export function encodeWav(samples, rate) {
  const data = samples.length * 2;
  const buf = new ArrayBuffer(44 + data);
  const v = new DataView(buf);
  const ascii = (at, s) => {
    for (let i = 0; i < s.length; i += 1) {
      v.setUint8(at + i, s.charCodeAt(i));
    }
  };
  ascii(0, 'RIFF');
  v.setUint32(4, 36 + data, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  v.setUint32(16, 16, true); // fmt chunk size
  v.setUint16(20, 1, true); // PCM
  v.setUint16(22, 1, true); // mono
  v.setUint32(24, rate, true);
  v.setUint32(28, rate * 2, true); // bytes per second
  v.setUint16(32, 2, true); // block align
  v.setUint16(34, 16, true); // bits per sample
  ascii(36, 'data');
  v.setUint32(40, data, true);
  for (let i = 0; i < samples.length; i += 1) {
    const s = Math.max(-1, Math.min(1, samples[i]));
    v.setInt16(44 + i * 2, s < 0 ? Math.round(s * 0x8000) : Math.round(s * 0x7fff), true);
  }
  return new Blob([buf], { type: 'audio/wav' });
}
