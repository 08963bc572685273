// The live event stream (GET /api/v1/events) read with fetch, so the access token travels in the Authorization
// header (EventSource cannot send one). It resumes after a lost connection from the last event id, so whatever
// happened meanwhile arrives in order and nothing stays stale; a `reset` event means "reload what you show".
import { authorization, refresh } from './api';
import { markOffline, markOnline } from './connection.svelte';
import { parseSseBlock } from './sse';
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
    const headers: Record<string, string> = { Accept: 'text/event-stream', ...authorization() };
    if (lastId) headers['Last-Event-ID'] = lastId;
    try {
      let response = await fetch(url(), { headers, signal: controller.signal });
      if (response.status === 401 && (await refresh())) {
        response = await fetch(url(), { headers: { ...headers, ...authorization() }, signal: controller.signal });
      }
      if (!response.ok || !response.body) throw new Error(`event stream answered ${response.status}`);
      markOnline();
      // Back online after a gap without a resume point: what is on screen may be stale.
      if (failures > 0 && !lastId) options.onReset();
      failures = 0;
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        clearTimeout(silence);
        silence = setTimeout(() => controller?.abort(), silenceLimitMs);
        buffer += value;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          dispatch(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
      }
    } finally {
      clearTimeout(silence);
    }
  }

  function dispatch(block: string) {
    const { id, type, data } = parseSseBlock(block);
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
