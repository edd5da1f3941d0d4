// api.js - the one way the pages talk to /api/.
//
// Same-origin fetch with the __session cookie (the browser adds Origin to
// every non-GET request, which the API requires of cookie-authenticated
// changes).  Never throws on an HTTP error: every call resolves to
// { status, ok, data, etag, headers }, data being the parsed JSON body or
// null.  A network failure is status 0 with a problem-shaped data, so the
// pages handle it like any other error.  A file goes up through upload(),
// which reports its progress; an answer that streams its progress as
// NDJSON comes through stream(), which hands over each event as it
// arrives.  With `signal` (an AbortController's) a call can be cancelled:
// it then resolves to status 0 with `aborted` true.  With `blob: true` a
// successful answer's body is kept as `blob` (an image) instead of being
// parsed.

const NETWORK_PROBLEM = {
  error: {
    code: 'network_error',
    message: 'Jobtune could not be reached. Check your connection and try again.',
  },
};

const STREAM_CUT = {
  error: {
    code: 'stream_cut',
    message: 'The connection was lost before the answer was saved.',
  },
};

function networkFailure() {
  return { status: 0, ok: false, data: NETWORK_PROBLEM, etag: null, headers: new Headers() };
}

export async function api(method, path, { json, body, headers, ifMatch, signal, blob } = {}) {
  const h = new Headers(headers || {});
  let payload = body;
  if (json !== undefined) {
    h.set('Content-Type', 'application/json');
    payload = JSON.stringify(json);
  }
  if (!h.has('Accept')) {
    h.set('Accept', 'application/json');
  }
  if (ifMatch) {
    h.set('If-Match', ifMatch);
  }
  let res;
  try {
    res = await fetch(path, {
      method,
      headers: h,
      body: payload,
      credentials: 'same-origin',
      cache: 'no-store',
      signal,
    });
    if (blob && res.ok) {
      return { status: res.status, ok: true, data: null, blob: await res.blob(), etag: null,
        headers: res.headers };
    }
  } catch (err) {
    return { ...networkFailure(),
      aborted: Boolean(signal && signal.aborted) || (err && err.name === 'AbortError') };
  }
  let data = null;
  const type = res.headers.get('Content-Type') || '';
  if (type.includes('json')) {
    try {
      data = await res.json();
    } catch {
      data = null;
    }
  }
  if (!res.ok && data === null) {
    data = {
      error: {
        code: `http_${res.status}`,
        message: `The server answered ${res.status} ${res.statusText || ''}`.trim() + '.',
      },
    };
  }
  return { status: res.status, ok: res.ok, data, etag: res.headers.get('ETag'), headers: res.headers };
}

// A sentence for a person from the contract's error body
// {"error":{"code","message","fields"}}.
export function problemText(data) {
  const err = data && data.error;
  if (err && typeof err.message === 'string' && err.message) {
    return err.message;
  }
  return 'Something went wrong. Please try again.';
}

// The field problems of a 422 as a Map from the API's path ("basics.email",
// "work[2].startDate", "basics.profiles[0].url") to its message.  A JSON
// pointer ("/work/2/startDate") is turned into the same dotted form, so
// either spelling finds the field.
export function problemsByPath(data) {
  const out = new Map();
  const fields = data && data.error && data.error.fields;
  if (!fields || typeof fields !== 'object') {
    return out;
  }
  for (const [key, message] of Object.entries(fields)) {
    out.set(normalisePath(key), String(message));
  }
  return out;
}

// "/work/2/startDate" -> "work[2].startDate"; dotted paths unchanged.
export function normalisePath(path) {
  if (!path.startsWith('/')) {
    return path;
  }
  let out = '';
  for (const raw of path.slice(1).split('/')) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (/^\d+$/.test(part)) {
      out += `[${part}]`;
    } else {
      out += out ? `.${part}` : part;
    }
  }
  return out;
}

function xhrHeaders(xhr) {
  const headers = new Headers();
  for (const line of xhr.getAllResponseHeaders().trim().split(/[\r\n]+/)) {
    const at = line.indexOf(':');
    if (at > 0) {
      headers.append(line.slice(0, at).trim(), line.slice(at + 1).trim());
    }
  }
  return headers;
}

// A finished XMLHttpRequest's answer, as api() gives it.
function xhrAnswer(xhr) {
  const headers = xhrHeaders(xhr);
  let data = null;
  if ((headers.get('Content-Type') || '').includes('json')) {
    try {
      data = JSON.parse(xhr.responseText);
    } catch {
      data = null;
    }
  }
  const ok = xhr.status >= 200 && xhr.status < 300;
  if (!ok && data === null) {
    data = { error: { code: `http_${xhr.status}`,
      message: `The server answered ${xhr.status} ${xhr.statusText || ''}`.trim() + '.' } };
  }
  return { status: xhr.status, ok, data, etag: headers.get('ETag'), headers };
}

// POST of a file (or any body) with its Content-Type, through
// XMLHttpRequest rather than fetch because only it reports how much of the
// body has been sent: onProgress(sent, total) while it uploads, then
// onSent() once the whole body is out and the server is working on it.
// Resolves like api().
export function upload(path, body, type, { onProgress, onSent } = {}) {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    xhr.withCredentials = true;
    xhr.setRequestHeader('Content-Type', type);
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.upload.addEventListener('progress', (e) => {
      if (onProgress && e.lengthComputable) {
        onProgress(e.loaded, e.total);
      }
    });
    xhr.upload.addEventListener('load', () => onSent && onSent());
    xhr.addEventListener('error', () => resolve(networkFailure()));
    xhr.addEventListener('load', () => resolve(xhrAnswer(xhr)));
    xhr.send(body);
  });
}

// A POST whose answer comes as NDJSON (Accept: application/x-ndjson: one
// JSON object a line, each an {"event": ...}), each line handed to
// onEvent(event) as it arrives; onSent() is called once the body is out
// (the server is working on it).  XMLHttpRequest again, for that moment
// and because its responseText grows as the answer comes.  Resolves like
// api() once the answer ends: data is then the "done" event's interview,
// or the "error" event's {"error"} (ok false, status the event's).  An
// answer that is not NDJSON (an error before the stream began) is read as
// api() reads it.  A stream cut before its "done" or "error" resolves as
// status 0 with a "stream_cut" problem: whether the server kept anything
// is then unknown, and the page asks it again.
export function stream(path, { json, body, headers = {} }, onEvent, { onSent } = {}) {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    xhr.withCredentials = true;
    for (const [name, value] of Object.entries(headers)) {
      xhr.setRequestHeader(name, value);
    }
    if (json !== undefined) {
      xhr.setRequestHeader('Content-Type', 'application/json');
    }
    xhr.setRequestHeader('Accept', 'application/x-ndjson');
    let read = 0;
    let pending = '';
    let last = null;
    // Hands over the lines come since the last call (with final, the
    // last one too if it lacks its newline); false when the answer is not
    // a stream.
    const lines = (final = false) => {
      if (xhr.status < 200 || xhr.status >= 300 ||
          !(xhr.getResponseHeader('Content-Type') || '').includes('ndjson')) {
        return false;
      }
      pending += xhr.responseText.slice(read) + (final ? '\n' : '');
      read = xhr.responseText.length;
      let at;
      while ((at = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, at);
        pending = pending.slice(at + 1);
        let event = null;
        try {
          event = line.trim() ? JSON.parse(line) : null;
        } catch {
          event = null; // a line that is not JSON says nothing the page can use
        }
        if (event) {
          if (event.event === 'done' || event.event === 'error') {
            last = event;
          }
          onEvent(event);
        }
      }
      return true;
    };
    const end = () => {
      const headersIn = xhrHeaders(xhr);
      if (last && last.event === 'done') {
        resolve({ status: xhr.status, ok: true, data: last.interview, etag: null, headers: headersIn });
      } else if (last && last.event === 'error') {
        resolve({ status: last.status || xhr.status, ok: false, data: { error: last.error },
          etag: null, headers: headersIn });
      } else {
        resolve({ status: 0, ok: false, data: STREAM_CUT, etag: null, headers: headersIn });
      }
    };
    xhr.upload.addEventListener('load', () => onSent && onSent());
    xhr.addEventListener('progress', () => lines());
    xhr.addEventListener('error', () => {
      if (lines(true)) {
        end(); // cut mid-way
      } else {
        resolve(networkFailure());
      }
    });
    xhr.addEventListener('load', () => {
      if (lines(true)) {
        end();
      } else {
        resolve(xhrAnswer(xhr));
      }
    });
    xhr.send(json !== undefined ? JSON.stringify(json) : body);
  });
}
