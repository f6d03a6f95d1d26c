import { useSyncExternalStore } from 'react';

/** The session token from auth.login, kept in localStorage so that a reload keeps the session. */
const TOKEN_KEY = 'jobdeck.token';
const EXPIRES_KEY = 'jobdeck.tokenExpiresAt';

const listeners = new Set<() => void>();

function read(): string | null {
  try {
    const token = localStorage.getItem(TOKEN_KEY);
    const expiresAt = localStorage.getItem(EXPIRES_KEY);
    if (!token) return null;
    if (expiresAt && Date.parse(expiresAt) <= Date.now()) return null;
    return token;
  } catch {
    return null; // storage disabled: no session survives
  }
}

let current = read();

function emit() {
  for (const listener of listeners) listener();
}

export function getToken(): string | null {
  return current;
}

export function setToken(token: string, expiresAt?: string | null): void {
  current = token;
  try {
    localStorage.setItem(TOKEN_KEY, token);
    if (expiresAt) localStorage.setItem(EXPIRES_KEY, expiresAt);
    else localStorage.removeItem(EXPIRES_KEY);
  } catch {
    // keep the session in memory only
  }
  emit();
}

export function clearToken(): void {
  if (current === null) return;
  current = null;
  try {
    localStorage.removeItem(TOKEN_KEY);
    localStorage.removeItem(EXPIRES_KEY);
  } catch {
    // nothing stored
  }
  emit();
}

// Logging out in one tab logs out the others.
if (typeof window !== 'undefined') {
  window.addEventListener('storage', (event) => {
    if (event.key !== TOKEN_KEY && event.key !== null) return;
    const next = read();
    if (next !== current) {
      current = next;
      emit();
    }
  });
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useToken(): string | null {
  return useSyncExternalStore(subscribe, getToken);
}
