// "Why is this job waiting?" in words, from the run answer's waitingReason (src/Application/Runs/WaitingReason.cs).

export interface WaitingHolder {
  runId: string;
  runNumber: number;
  jobId: string;
  job: string;
  status: string;
  url?: string | null;
}

export interface WaitingReason {
  kind: string;
  detail: string;
  needs?: string[] | null;
  group?: string | null;
  limit?: number | null;
  heldBy?: WaitingHolder | null;
  position?: number | null;
  approvalsGiven?: number | null;
  approvalsRequired?: number | null;
  approvedBy?: string[] | null;
  approvers?: string | null;
  exceptUser?: string | null;
  deadline?: string | null;
  environment?: string | null;
}

const list = (names: readonly string[]) =>
  names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;

/** The sentence to show; the holder (a link to its run) is shown apart, from reason.heldBy. */
export function waitingSentence(reason: WaitingReason, manual = false): string {
  switch (reason.kind) {
    case 'needs':
      return reason.needs?.length
        ? `Waiting for ${list(reason.needs)} to finish (needs).`
        : reason.detail;
    case 'concurrency':
      return `Waiting for a place in concurrency group “${reason.group ?? '?'}”` +
        (reason.limit ? ` (at most ${reason.limit} at a time)` : '') + '.';
    case 'runner_slot':
      return reason.position
        ? `Queued for a free runner slot: ${reason.position === 1 ? 'next in line' : `number ${reason.position} in line`}.`
        : 'Queued for a free runner slot.';
    case 'approval': {
      if (manual) return `Waiting for someone to start it (when: manual)${reason.approvers ? `; ${reason.approvers} may` : ''}.`;
      const parts = [`Waiting for approval: ${reason.approvalsGiven ?? 0} of ${reason.approvalsRequired ?? 1} given`];
      if (reason.approvedBy?.length) parts.push(`by ${list(reason.approvedBy)}`);
      let text = parts.join(' ') + '.';
      if (reason.approvers) text += ` Who may approve: ${reason.approvers}.`;
      if (reason.exceptUser) text += ` Not ${reason.exceptUser}, who started the run.`;
      if (reason.deadline) text += ` Until ${new Date(reason.deadline).toLocaleString()}.`;
      return text;
    }
    case 'deploy_lock':
      return `Waiting for the deploy lock of environment “${reason.environment ?? '?'}”.`;
    default:
      return reason.detail;
  }
}
