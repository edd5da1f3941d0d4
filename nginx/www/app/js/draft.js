// draft.js - an imported resume on its way from /app/ to the editor.
//
// POST /api/resumes/import stores nothing: its answer (the draft, with
// the `unverified` paths and `unplaced` lines to review) is kept in this
// tab's sessionStorage only, until the person saves it as a resume
// (POST /api/resumes) or discards it.  A reload of /app/resumes/import
// keeps the draft and the review as they were; another tab does not see
// it, and closing the tab forgets it.

const KEY = 'jobtune.importDraft';

// true when the browser kept it (a full or disabled storage does not).
export function putDraft(draft) {
  try {
    sessionStorage.setItem(KEY, JSON.stringify(draft));
    return true;
  } catch {
    return false;
  }
}

export function getDraft() {
  try {
    const d = JSON.parse(sessionStorage.getItem(KEY) || 'null');
    return d && typeof d === 'object' && d.resume && typeof d.resume === 'object' ? d : null;
  } catch {
    return null;
  }
}

export function dropDraft() {
  try {
    sessionStorage.removeItem(KEY);
  } catch {
    // nothing was kept
  }
}
