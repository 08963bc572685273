// The one way the UI talks to Comet: the public REST API on the same origin.
// The access token lives only in this module's memory; the refresh token is an HttpOnly cookie scoped to
// /auth/refresh that no script can read (OWASP's advice for single-page apps).

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly errors: Record<string, string[]> = {},
  ) {
    super(detail || title);
  }

  /** The text to show a person: the server's detail, then each field's messages. */
  get message_(): string {
    const fields = Object.entries(this.errors).map(([field, list]) => `${field}: ${list.join(' ')}`);
    return [this.detail || this.title, ...fields].filter(Boolean).join(' ');
  }
}

export class OfflineError extends Error {
  constructor() {
    super('Comet cannot be reached. Check your connection; this page retries by itself.');
  }
}

interface TokenAnswer {
  accessToken: string;
  expiresIn: number;
  passwordChangeRequired?: boolean;
}

/** Set after an admin reset: until the user picks a password, the token reaches only that page. */
export const tokenState = { passwordChangeRequired: false };

let accessToken: string | null = null;
let refreshing: Promise<boolean> | null = null;
const signedOutListeners = new Set<() => void>();

export function onSignedOut(listener: () => void): () => void {
  signedOutListeners.add(listener);
  return () => signedOutListeners.delete(listener);
}

export function hasToken(): boolean {
  return accessToken !== null;
}

export function authorization(): Record<string, string> {
  return accessToken ? { Authorization: `Bearer ${accessToken}` } : {};
}

function keep(answer: TokenAnswer) {
  accessToken = answer.accessToken;
  tokenState.passwordChangeRequired = answer.passwordChangeRequired === true;
}

/** Keeps the tokens of an answer that issued new ones (a password change). */
export function keepTokens(answer: TokenAnswer) {
  keep(answer);
}

async function problemOf(response: Response): Promise<ApiError> {
  let body: { title?: string; detail?: string; errors?: Record<string, string[]> } = {};
  try {
    body = await response.json();
  } catch {
    // Not problem+json (e.g. a proxy's HTML page): the status line is all there is.
  }
  return new ApiError(response.status, body.title ?? response.statusText, body.detail ?? '', body.errors ?? {});
}

async function send(path: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(path, init);
  } catch {
    throw new OfflineError();
  }
}

/**
 * Renews the access token with the refresh cookie; one renewal at a time however many calls need it. Refresh tokens
 * are single-use and a reused one ends the whole sign-in, so tabs of this site renew one after another (Web Locks):
 * each then sends the cookie the previous one received.
 */
export function refresh(): Promise<boolean> {
  refreshing ??= (async () => {
    try {
      const renew = async () => {
        const response = await send('/auth/refresh', { method: 'POST', credentials: 'same-origin' });
        if (!response.ok) {
          accessToken = null;
          return false;
        }
        keep(await response.json());
        return true;
      };
      // Only secure contexts (https, or this machine) have Web Locks; elsewhere tabs renew unordered.
      return navigator.locks ? await navigator.locks.request('comet-refresh', renew) : await renew();
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

export async function signIn(username: string, password: string): Promise<void> {
  const response = await send('/auth/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password, refreshTokenInCookie: true }),
  });
  if (!response.ok) throw await problemOf(response);
  keep(await response.json());
}

export async function signOut(): Promise<void> {
  accessToken = null;
  await send('/auth/refresh', { method: 'DELETE', credentials: 'same-origin' }).catch(() => undefined);
  signedOutListeners.forEach((listener) => listener());
}

/**
 * Calls the API with the access token; on 401 renews it once through the cookie and tries again.
 * Throws ApiError with the server's problem+json detail, or OfflineError when nothing answered.
 */
export async function request(path: string, init: RequestInit = {}): Promise<Response> {
  const attempt = () =>
    send(path, { ...init, headers: { ...(init.headers as Record<string, string>), ...authorization() } });
  let response = await attempt();
  if (response.status === 401 && (await refresh())) response = await attempt();
  if (response.status === 401) {
    accessToken = null;
    signedOutListeners.forEach((listener) => listener());
  }
  if (!response.ok) throw await problemOf(response);
  return response;
}

export async function get<T>(path: string): Promise<T> {
  return (await request(path)).json();
}

async function withBody<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await request(path, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

export const post = <T = unknown>(path: string, body?: unknown) => withBody<T>('POST', path, body);
export const put = <T = unknown>(path: string, body?: unknown) => withBody<T>('PUT', path, body);
export const del = <T = unknown>(path: string) => withBody<T>('DELETE', path);

/** Query string from the set values only. */
export function query(values: Record<string, string | number | undefined | null>): string {
  const parts = new URLSearchParams();
  for (const [name, value] of Object.entries(values)) {
    if (value !== undefined && value !== null && value !== '') parts.set(name, String(value));
  }
  const text = parts.toString();
  return text ? `?${text}` : '';
}

/** What to show for any failure of a call. */
export function describe(error: unknown): string {
  if (error instanceof ApiError) return error.message_;
  if (error instanceof Error) return error.message;
  return String(error);
}
