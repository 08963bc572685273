// Who is signed in. A reload keeps the sign-in through the refresh cookie; the access token is never stored.
import { get, onSignedOut, refresh, signIn as apiSignIn, signOut as apiSignOut, tokenState } from './api';
import type { User } from './types';

export const session = $state({ user: null as User | null, checked: false, passwordChangeRequired: false });

async function loadUser() {
  session.passwordChangeRequired = tokenState.passwordChangeRequired;
  session.user = await get<User>('/api/v1/me');
}

export async function restore(): Promise<void> {
  try {
    if (await refresh()) await loadUser();
  } catch {
    session.user = null;
  } finally {
    session.checked = true;
  }
}

export async function signIn(username: string, password: string): Promise<void> {
  await apiSignIn(username, password);
  await loadUser();
}

export async function signOut(): Promise<void> {
  await apiSignOut();
  session.user = null;
}

export function passwordChanged() {
  session.passwordChangeRequired = false;
}

onSignedOut(() => (session.user = null));

export const isAdmin = () => session.user?.role === 'admin';
