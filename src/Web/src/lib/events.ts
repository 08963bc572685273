// The live event stream (GET /api/v1/events) read with fetch, so the access token travels in the Authorization
// header (EventSource cannot send one). It resumes after a lost connection from the last event id, so whatever
// happened meanwhile arrives in order and nothing stays stale; a `reset` event means "reload what you show".
import { markOffline, markOnline } from './connection.svelte';
import type { SseEvent } from './sse';
import { readSse } from './sseStream';
import type { LiveEvent } from './types';

export interface StreamOptions {
  project?: string;
  run?: string;
  onEvent: (event: LiveEvent) => void;
  /** Called after a reset, and after any reconnect that could not resume: reload from the REST API. */
  onReset: () => void;
}

/** Heartbeats come every 15 s; this long without a byte means the connection is dead even if TCP has not noticed. */
const silenceLimitMs = 40_000;
const retryDelaysMs = [500, 1000, 2000, 5000, 10000];

export function followEvents(options: StreamOptions): () => void {
  let stopped = false;
  let lastId: string | null = null;
  let controller: AbortController | null = null;
  let failures = 0;

  const url = () => {
    const params = new URLSearchParams();
    if (options.project) params.set('project', options.project);
    if (options.run) params.set('run', options.run);
    const text = params.toString();
    return `/api/v1/events${text ? `?${text}` : ''}`;
  };

  async function connectOnce(): Promise<void> {
    controller = new AbortController();
    let silence = setTimeout(() => controller?.abort(), silenceLimitMs);
    try {
      await readSse(url(), {
        headers: lastId ? { 'Last-Event-ID': lastId } : {},
        signal: controller.signal,
        name: 'event stream',
        onOpen: () => {
          markOnline();
          // Back online after a gap without a resume point: what is on screen may be stale.
          if (failures > 0 && !lastId) options.onReset();
          failures = 0;
        },
        onBytes: () => {
          clearTimeout(silence);
          silence = setTimeout(() => controller?.abort(), silenceLimitMs);
        },
        onEvent: dispatch,
      });
    } finally {
      clearTimeout(silence);
    }
  }

  function dispatch({ id, type, data }: SseEvent) {
    if (id) lastId = id;
    if (data.length === 0) return;
    const payload = JSON.parse(data.join('\n'));
    if (type === 'reset') options.onReset();
    else options.onEvent({ id: id ?? '', type, data: payload });
  }

  (async () => {
    while (!stopped) {
      try {
        await connectOnce();
      } catch {
        // Lost, refused or silent: show it, and try again below.
      }
      if (stopped) break;
      failures++;
      if (failures > 1 || !navigator.onLine) markOffline();
      await new Promise((resolve) => setTimeout(resolve, retryDelaysMs[Math.min(failures - 1, retryDelaysMs.length - 1)]));
    }
  })();

  return () => {
    stopped = true;
    controller?.abort();
  };
}
