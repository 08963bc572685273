// Applies run events from the live stream to a list of run summaries shown on screen.
import type { LiveEvent, RunSummary } from './types';

/** The list after the event: a known run updated in place, a new run put first. Null when the event is not a run's. */
export function applyRunEvent(runs: RunSummary[], event: LiveEvent): RunSummary[] | null {
  if (!event.type.startsWith('run.')) return null;
  const data = event.data as Record<string, any>;
  const known = runs.find((run) => run.id === data.runId);
  if (known) {
    return runs.map((run) =>
      run.id === data.runId
        ? {
            ...run,
            status: data.status ?? run.status,
            startedAt: data.startedAt ?? run.startedAt,
            finishedAt: data.finishedAt ?? run.finishedAt,
          }
        : run,
    );
  }
  if (event.type !== 'run.queued') return null;
  const fresh: RunSummary = {
    id: data.runId,
    number: data.runNumber,
    status: data.status,
    event: data.event,
    ref: data.ref,
    branch: typeof data.ref === 'string' && data.ref.startsWith('refs/heads/') ? data.ref.slice(11) : null,
    commitSha: data.sha,
    projectSlug: data.project,
    createdAt: data.createdAt,
    startedAt: null,
    finishedAt: null,
  };
  return [fresh, ...runs];
}
