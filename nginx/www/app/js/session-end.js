// session-end.js - ends the session after the account was erased.  DELETE
// /api/me already expired the __session cookie; signOut() (auth.js) also
// ends a ClerkJS session, or calls DELETE /api/session in development.
// The header's account area is hidden: nobody is signed in any more.
import { signOut } from './auth.js';

export async function endSession() {
  try {
    await signOut();
  } catch {
    // the account, and with it the Clerk session, is already gone
  }
  const account = document.getElementById('account');
  if (account) {
    account.hidden = true;
  }
}
