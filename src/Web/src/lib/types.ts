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
