// The API's answers as the UI reads them (camelCase JSON; enums in snake_case).
import type { WaitingReason } from './waiting';

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
  waitingReason?: WaitingReason | null;
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
  scheduleId?: string | null;
  url?: string | null;
}

/** One event of GET /api/v1/events (docs/EVENTS.md). */
export interface LiveEvent {
  id: string;
  type: string;
  data: Record<string, unknown>;
}


export interface PersonalAccessToken {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  createdAt: string;
  expiresAt?: string | null;
  lastUsedAt?: string | null;
  revokedAt?: string | null;
}

export interface CreatedToken {
  id: string;
  name: string;
  token: string;
  scopes: string[];
  createdAt: string;
  expiresAt?: string | null;
}

export interface Secret {
  name: string;
  scope: 'instance' | 'project' | 'environment' | string;
  environment?: string | null;
  file: boolean;
  allowForks: boolean;
  updatedBy?: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface FireTime {
  utc: string;
  local: string;
}

export interface Schedule {
  id: string;
  name: string;
  cron: string;
  timeZone: string;
  branch: string;
  variables: Record<string, string>;
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
  lastSlotAt?: string | null;
  lastFiredAt?: string | null;
  lastRunId?: string | null;
  lastOutcome?: string | null;
  lastOutcomeDetail?: string | null;
  nextRuns: FireTime[];
}

export interface Channel {
  type: string;
  url?: string | null;
  chatId?: string | null;
  to?: string[] | null;
  hasSecret: boolean;
}

export interface Subscription {
  id: string;
  personal: boolean;
  events: string[];
  branches: string[];
  channel: Channel;
  template?: string | null;
  muted: boolean;
  createdBy: string;
  createdAt: string;
  signingSecret?: string | null;
}

export interface Delivery {
  id: string;
  kind: string;
  channel: string;
  destination: string;
  summary: string;
  state: string;
  attempts: number;
  nextAttemptAt: string;
  createdAt: string;
  deliveredAt?: string | null;
  lastError?: string | null;
  deadReason?: string | null;
  runId?: string | null;
}

export interface Member {
  username: string;
  displayName: string;
  role: string;
  addedAt: string;
}

export interface AutoCancel {
  branches: 'non_default' | 'all' | 'none' | string;
  pullRequests: boolean;
}

export interface ProjectDetails extends Project {
  autoCancel: AutoCancel;
  rejectedDeliveries?: number;
  lastRejectedAt?: string | null;
  lastRejectionReason?: string | null;
}

export interface Deployment {
  id: string;
  environment: string;
  runId: string;
  runNumber: number;
  jobId: string;
  jobName: string;
  attempt: number;
  sha: string;
  ref: string;
  triggeredBy?: string | null;
  url?: string | null;
  status: string;
  startedAt: string;
  finishedAt?: string | null;
}

export interface Protection {
  requiredApprovals: number;
  branches: string[];
  tags: string[];
  allowSelfApproval: boolean;
  approvalTimeout?: string | null;
  deployLock: boolean;
}

export interface DeployEnvironment {
  name: string;
  url?: string | null;
  createdAt: string;
  current?: Deployment | null;
  latest?: Deployment | null;
  protection: Protection;
}

export interface AuditEvent {
  id: string;
  action: string;
  at: string;
  actorName?: string | null;
  target?: string | null;
  detail?: string | null;
  clientAddress?: string | null;
}

export interface AdminUser {
  username: string;
  displayName?: string | null;
  email?: string | null;
  role: string;
  createdAt: string;
  mustChangePassword?: boolean;
}

/** A job of any project that has not started, and why (GET /api/v1/admin/queue). */
export interface QueuedJob {
  projectSlug: string;
  runId: string;
  runNumber: number;
  jobId: string;
  job: string;
  status: string;
  queuedSince?: string | null;
  waitingReason?: { kind: string; detail: string } | null;
}

export interface Queue {
  items: QueuedJob[];
  total: number;
}

/** A job waiting for someone's approval, with its run. */
export interface WaitingJob {
  run: Run;
  job: Job;
}

export interface TestTotals {
  tests: number;
  passed: number;
  failed: number;
  errors: number;
  skipped: number;
  flaky: number;
  durationMs: number;
}

export interface TestCase {
  testId: string;
  jobId: string;
  jobName: string;
  attempt: number;
  suite: string;
  className?: string | null;
  name: string;
  file?: string | null;
  durationMs?: number | null;
  status: 'passed' | 'failed' | 'error' | 'skipped' | string;
  message?: string | null;
  details?: string | null;
  flaky: boolean;
}

export interface RunTests {
  runId: string;
  totals: TestTotals;
  jobs: { jobId: string; jobName: string; attempt: number; totals: TestTotals }[];
  cases: TestCase[];
  truncated: boolean;
}

export interface TestResult {
  runId: string;
  runNumber: number;
  jobId: string;
  attempt: number;
  commitSha?: string | null;
  branch?: string | null;
  status: string;
  durationMs?: number | null;
  message?: string | null;
  flaky: boolean;
  createdAt: string;
}

export interface TestHistory {
  testId: string;
  name: string;
  results: TestResult[];
}

export interface FlakyTest {
  testId: string;
  jobName: string;
  name: string;
  flipRate: number;
  mixedOnSameCommit: boolean;
  markedFlaky: boolean;
  passedOnRetry: boolean;
}

export interface SlowTest {
  testId: string;
  jobName: string;
  suite: string;
  className?: string | null;
  name: string;
  medianDurationMs: number;
  maxDurationMs: number;
  lastDurationMs: number;
  results: number;
}

export interface RunCoverage {
  runId: string;
  lineRate?: number | null;
  branchRate?: number | null;
  linesCovered: number;
  linesValid: number;
  jobs: { jobId: string; jobName: string; lineRate?: number | null; branchRate?: number | null }[];
}

export interface CoveragePoint {
  runId: string;
  runNumber: number;
  commitSha?: string | null;
  createdAt: string;
  lineRate?: number | null;
  branchRate?: number | null;
}

export interface Artifact {
  id: string;
  jobId: string;
  jobName: string;
  attempt: number;
  path: string;
  size: number;
  sha256: string;
  createdAt: string;
  expiresAt: string;
}
