// api.js - the one way the pages talk to /api/.
//
// Same-origin fetch with the __session cookie (the browser adds Origin to
// every non-GET request, which the API requires of cookie-authenticated
// changes).  Never throws on an HTTP error: every call resolves to
// { status, ok, data, etag, headers }, data being the parsed JSON body or
// null.  A network failure is status 0 with a problem-shaped data, so the
// pages handle it like any other error.  A file goes up through upload(),
// which reports its progress.  With `signal` (an AbortController's) a call
// can be cancelled: it then resolves to status 0 with `aborted` true.  With
// `blob: true` a successful answer's body is kept as `blob` (an image)
// instead of being parsed.

const NETWORK_PROBLEM = {
  error: {
    code: 'network_error',
    message: 'Jobtune could not be reached. Check your connection and try again.',
  },
};

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
    return { status: 0, ok: false, data: NETWORK_PROBLEM, etag: null, headers: new Headers(),
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
    xhr.addEventListener('error', () => resolve({ status: 0, ok: false, data: NETWORK_PROBLEM,
      etag: null, headers: new Headers() }));
    xhr.addEventListener('load', () => {
      const headers = new Headers();
      for (const line of xhr.getAllResponseHeaders().trim().split(/[\r\n]+/)) {
        const at = line.indexOf(':');
        if (at > 0) {
          headers.append(line.slice(0, at).trim(), line.slice(at + 1).trim());
        }
      }
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
      resolve({ status: xhr.status, ok, data, etag: headers.get('ETag'), headers });
    });
    xhr.send(body);
  });
}
