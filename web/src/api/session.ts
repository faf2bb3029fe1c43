/**
 * Who is signed in: the credential sent as `Authorization: Bearer …` (a login token or an API key),
 * kept in localStorage so a reload (and the GraphiQL page) keeps it. A tiny external store, so React
 * components re-render when the session starts or ends.
 */
import { useSyncExternalStore } from 'react';

export interface Session {
  /** The bearer credential. */
  credential: string;
  kind: 'token' | 'apikey';
  /** Login tokens expire (ISO time); API keys are checked by the server only. */
  expiresAt?: string;
}

/** Why the last session ended, shown on the sign-in page. */
export type EndReason = 'signedOut' | 'expired' | 'rejected';

const KEY = 'kam.session';
const listeners = new Set<() => void>();
let current: Session | null = read();
let lastEnd: EndReason | null = null;

function read(): Session | null {
  try {
    const raw = localStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

function emit(): void {
  for (const l of listeners) l();
}

export function getSession(): Session | null {
  return current;
}

export function startSession(s: Session): void {
  current = s;
  lastEnd = null;
  localStorage.setItem(KEY, JSON.stringify(s));
  emit();
}

/** Ends the session; `reason` says why on the sign-in page. */
export function endSession(reason: EndReason): void {
  if (!current && reason !== 'signedOut') return;
  lastEnd = current?.expiresAt && Date.parse(current.expiresAt) <= Date.now() ? 'expired' : reason;
  current = null;
  localStorage.removeItem(KEY);
  emit();
}

export function lastEndReason(): EndReason | null {
  return lastEnd;
}

/** True when the login token's own expiry has passed (the server would refuse it). */
export function sessionExpired(s: Session | null = current): boolean {
  return !!s?.expiresAt && Date.parse(s.expiresAt) <= Date.now();
}

export function authHeader(): Record<string, string> {
  return current ? { authorization: `Bearer ${current.credential}` } : {};
}

function subscribe(l: () => void): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

export function useSession(): Session | null {
  return useSyncExternalStore(subscribe, getSession);
}

window.addEventListener('storage', (e) => {
  if (e.key !== KEY) return;
  current = read();
  emit();
});
