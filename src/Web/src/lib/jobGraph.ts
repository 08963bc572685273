// The job graph of a run: the latest attempt of each job, matrix legs ("test [SUITE=unit]") grouped under their job's
// name, and columns by depth in the `needs` graph so every edge points to the right.
import type { Job } from './types';

export interface GraphGroup {
  /** The job's name in the pipeline file: the legs' common name. */
  name: string;
  /** The latest attempt of each leg (one for a job without a matrix). */
  jobs: Job[];
  column: number;
  /** Groups this one needs (at least one of its legs needs one of theirs). */
  needs: string[];
}

/** "test [SUITE=unit]" → "test". */
export function groupName(jobName: string): string {
  const at = jobName.indexOf(' [');
  return at > 0 && jobName.endsWith(']') ? jobName.slice(0, at) : jobName;
}

/** The latest attempt of every job, in the run's order. */
export function latestAttempts(jobs: readonly Job[]): Job[] {
  const latest = new Map<string, Job>();
  for (const job of jobs) {
    const seen = latest.get(job.name);
    if (!seen || job.attempt > seen.attempt) latest.set(job.name, job);
  }
  return [...latest.values()];
}

export function layoutGraph(jobs: readonly Job[]): GraphGroup[] {
  const groups = new Map<string, GraphGroup>();
  for (const job of latestAttempts(jobs)) {
    const name = groupName(job.name);
    let group = groups.get(name);
    if (!group) groups.set(name, (group = { name, jobs: [], column: 0, needs: [] }));
    group.jobs.push(job);
  }
  for (const group of groups.values()) {
    const needs = new Set<string>();
    for (const job of group.jobs) for (const need of job.needs) {
      const target = groupName(need);
      if (target !== group.name && groups.has(target)) needs.add(target);
    }
    group.needs = [...needs];
  }
  // Longest path from a job that needs nothing; a cycle (never planned, but never loop on one) stops at the group count.
  const column = new Map<string, number>();
  const depth = (name: string, seen: number): number => {
    const known = column.get(name);
    if (known !== undefined) return known;
    const group = groups.get(name)!;
    const value = seen > groups.size ? 0 : Math.max(-1, ...group.needs.map((n) => depth(n, seen + 1))) + 1;
    column.set(name, value);
    return value;
  };
  for (const group of groups.values()) group.column = depth(group.name, 0);
  return [...groups.values()];
}

/** The groups in columns, left to right. */
export function columnsOf(groups: readonly GraphGroup[]): GraphGroup[][] {
  const columns: GraphGroup[][] = [];
  for (const group of groups) (columns[group.column] ??= []).push(group);
  return columns.filter(Boolean);
}

/** Summarises a group's legs into one status: failed wins, then running, then waiting, else the shared one. */
export function groupStatus(jobs: readonly Job[]): string {
  const statuses = jobs.map((j) => j.status);
  for (const status of ['failed', 'error', 'running', 'waiting_for_approval', 'queued', 'pending', 'waiting', 'cancelled']) {
    if (statuses.includes(status)) return status;
  }
  return statuses[0] ?? 'pending';
}
