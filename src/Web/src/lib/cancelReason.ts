// Comet cancels a run that a newer push superseded with the reason "superseded by run #N, a newer push to 'main':
// <public address>/api/v1/runs/<id>" (src/Application/Runs/Execution/SupersededRuns.cs). The UI shows the words and
// links "run #N" to that run's page instead of printing the API address.

export interface CancelReasonParts {
  before: string;
  /** "run #N", linked when the reason carries the newer run's id. */
  linkText: string;
  runId: string | null;
  after: string;
}

const apiAddress = /:?\s*\S*\/api\/v1\/runs\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\S*\s*$/i;

export function splitCancelReason(reason: string): CancelReasonParts {
  const address = apiAddress.exec(reason);
  const text = address ? reason.slice(0, address.index) : reason;
  const runId = address ? address[1] : null;
  const mention = /run #\d+/.exec(text);
  if (!mention) return { before: text, linkText: '', runId, after: '' };
  return {
    before: text.slice(0, mention.index),
    linkText: mention[0],
    runId,
    after: text.slice(mention.index + mention[0].length),
  };
}
