// The API's answers as the UI reads them (camelCase JSON; enums in snake_case).

export type RunStatus = 'pending' | 'running' | 'success' | 'failed' | 'cancelled' | 'error' | string;

export interface Paged<T> {
  items: T[];
  page: number;
  pageSize: number;
  totalCount: number | null;
  nextBefore?: number | null;
}

export interface User {
  id: string;
  username: string;
  displayName?: string | null;
  email?: string | null;
  role: string;
  mustChangePassword?: boolean;
}

export interface Project {
  id: string;
  slug: string;
  name: string;
  repoUrl: string;
  defaultBranch: string;
  forge: string;
  pipelineFile: string;
  createdAt: string;
}

export interface RunSummary {
  id: string;
  number: number;
  status: RunStatus;
  event: string;
  ref: string;
  branch?: string | null;
  tag?: string | null;
  commitSha?: string | null;
  commitMessage?: string | null;
  commitAuthor?: string | null;
  triggeredBy?: string | null;
  projectSlug?: string;
  createdAt: string;
  startedAt?: string | null;
  finishedAt?: string | null;
}

export interface Step {
  index: number;
  name: string;
  status: string;
  exitCode?: number | null;
  startedAt?: string | null;
  finishedAt?: string | null;
}

export interface Approval {
  user: string;
  approved: boolean;
  comment?: string | null;
  at: string;
}

export interface Job {
  id: string;
  name: string;
  status: string;
  attempt: number;
  allowFailure: boolean;
  needs: string[];
  startedAt?: string | null;
  finishedAt?: string | null;
  note?: string | null;
  warnings: string[];
  steps: Step[];
  waitingReason?: Record<string, unknown> | null;
  environment?: string | null;
  manual?: boolean;
  approvalsRequired?: number | null;
  approvalDeadline?: string | null;
  approvals: Approval[];
}

export interface Run extends RunSummary {
  projectSlug: string;
  error?: string | null;
  jobs: Job[];
  cancelReason?: string | null;
  scheduleName?: string | null;
}

/** One event of GET /api/v1/events (docs/EVENTS.md). */
export interface LiveEvent {
  id: string;
  type: string;
  data: Record<string, unknown>;
}
