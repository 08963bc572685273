// Reading a step's log from GET /api/v1/runs/{run}/jobs/{job}/steps/{index}/log: the whole text at once for a step
// that has ended, or Server-Sent Events (follow=true) while it runs, read like the event stream (sseStream.ts).
import { request } from './api';
import type { SseEvent } from './sse';
import { readSse } from './sseStream';

export function stepLogPath(runId: string, jobId: string, index: number): string {
  return `/api/v1/runs/${encodeURIComponent(runId)}/jobs/${encodeURIComponent(jobId)}/steps/${index}/log`;
}

export async function readStepLog(runId: string, jobId: string, index: number): Promise<{ text: string; status: string }> {
  const response = await request(stepLogPath(runId, jobId, index));
  return { text: await response.text(), status: response.headers.get('X-Step-Status') ?? '' };
}

export interface FollowOptions {
  /** Whole lines as they arrive (the text of one `log` event, newline-separated). */
  onText: (text: string) => void;
  /** The step ended with this status. */
  onEnd: (status: string) => void;
  onError: (message: string) => void;
}

/** Follows a running step's log from the start; resumes at the last offset after a dropped connection. */
export function followStepLog(runId: string, jobId: string, index: number, options: FollowOptions): () => void {
  let stopped = false;
  let offset = 0;
  let controller: AbortController | null = null;

  function connectOnce(): Promise<boolean> {
    controller = new AbortController();
    const url = `${stepLogPath(runId, jobId, index)}?follow=true&offset=${offset}`;
    return readSse(url, { signal: controller.signal, name: 'log', onEvent: dispatch });
  }

  /** Handles one event; true once the step has ended. */
  function dispatch({ id, type, data }: SseEvent): boolean {
    if (type === 'log') {
      if (id && /^\d+$/.test(id)) offset = Number(id);
      options.onText(data.join('\n') + '\n');
      return false;
    }
    if (type === 'end') {
      let status = '';
      try {
        status = JSON.parse(data.join('\n')).status ?? '';
      } catch {
        // An end without a readable status still ends the step's log.
      }
      options.onEnd(status);
      return true;
    }
    return false;
  }

  (async () => {
    let failures = 0;
    while (!stopped) {
      try {
        if (await connectOnce()) return;
        failures = 0;
      } catch (error) {
        if (stopped) return;
        failures++;
        if (failures >= 3) options.onError(error instanceof Error ? error.message : String(error));
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(500 * 2 ** failures, 10_000)));
    }
  })();

  return () => {
    stopped = true;
    controller?.abort();
  };
}
