// wav-worklet.js - the audio thread's half of the answer recorder
// (recorder.js): collects the microphone's samples (first channel) in
// blocks of BLOCK frames and posts each block to the page, with its RMS
// level for the meter.  The samples are transferred, not copied, and the
// page keeps them in memory only.
const BLOCK = 2048;

class JobtuneCapture extends AudioWorkletProcessor {
  constructor() {
    super();
    this.buf = new Float32Array(BLOCK);
    this.fill = 0;
    this.stopped = false;
    this.port.onmessage = (e) => {
      if (e.data === 'stop') {
        this.flush();
        this.stopped = true;
        this.port.postMessage({ done: true });
      }
    };
  }

  flush() {
    if (this.fill === 0) {
      return;
    }
    const samples = this.buf.slice(0, this.fill);
    let sum = 0;
    for (let i = 0; i < samples.length; i += 1) {
      sum += samples[i] * samples[i];
    }
    this.port.postMessage({ samples, rms: Math.sqrt(sum / samples.length) }, [samples.buffer]);
    this.fill = 0;
  }

  process(inputs) {
    if (this.stopped) {
      return false;
    }
    const channel = inputs[0] && inputs[0][0];
    if (channel) {
      let i = 0;
      while (i < channel.length) {
        const n = Math.min(channel.length - i, BLOCK - this.fill);
        this.buf.set(channel.subarray(i, i + n), this.fill);
        this.fill += n;
        i += n;
        if (this.fill === BLOCK) {
          this.flush();
        }
      }
    }
    return true;
  }
}

registerProcessor('jobtune-capture', JobtuneCapture);
