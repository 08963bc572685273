// One Server-Sent Events answer of the API read with fetch, so the access token travels in the Authorization header
// (EventSource cannot send one): the live event stream and a running step's log both read theirs here.
import { authorization, refresh } from './api';
import { parseSseBlock, type SseEvent } from './sse';

export interface SseRead {
  /** Extra request headers (e.g. Last-Event-ID); Accept and the token are added. */
  headers?: Record<string, string>;
  signal: AbortSignal;
  /** What the error says when the answer is not a stream, e.g. "event stream". */
  name: string;
  /** The answer's headers came: the stream is open. */
  onOpen?: () => void;
  /** Some bytes came (a heartbeat included): for silence timers. */
  onBytes?: () => void;
  /** One event; returning true stops reading. */
  onEvent: (event: SseEvent) => boolean | void;
}

/**
 * Reads the stream at url until it ends (false) or onEvent asks to stop (true). A 401 renews the
 * access token through the refresh cookie once and asks again; any other failure throws.
 */
export async function readSse(url: string, read: SseRead): Promise<boolean> {
  const headers = () => ({ Accept: 'text/event-stream', ...read.headers, ...authorization() });
  let response = await fetch(url, { headers: headers(), signal: read.signal });
  if (response.status === 401 && (await refresh())) response = await fetch(url, { headers: headers(), signal: read.signal });
  if (!response.ok || !response.body) throw new Error(`the ${read.name} answered ${response.status}`);
  read.onOpen?.();
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return false;
    read.onBytes?.();
    buffer += value;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      if (read.onEvent(parseSseBlock(block))) return true;
    }
  }
}
