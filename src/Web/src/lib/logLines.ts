// A step log as the UI holds it: lines with the time Comet stamped on each, line ranges from the address (#L10-L40),
// and search over every line kept in memory (not only the ones on screen).
import { stripAnsi } from './ansi';

export interface LogLine {
  /** "2026-12-07T18:14:32.123Z" as Comet wrote it, or '' for a line without one. */
  time: string;
  /** The output as the step printed it, escape codes included. */
  text: string;
}

// Comet's log store writes "<ISO-8601 UTC with milliseconds> <output>" for every line.
const stamped = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z) ?/;

export function splitLine(raw: string): LogLine {
  const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
  const found = stamped.exec(line);
  return found ? { time: found[1], text: line.slice(found[0].length) } : { time: '', text: line };
}

/**
 * Cuts text into whole lines. The part after the last newline is returned as the rest, to be put before the next
 * chunk: a chunk from the network may end in the middle of a line.
 */
export function splitLines(text: string): { lines: LogLine[]; rest: string } {
  const parts = text.split('\n');
  const rest = parts.pop() ?? '';
  return { lines: parts.map(splitLine), rest };
}

/** The time as shown beside a line: the clock time in UTC, e.g. "18:14:32.123". */
export function shortTime(time: string): string {
  return time ? time.slice(11, time.length - 1) : '';
}

export interface LineRange {
  first: number;
  last: number;
}

/** "#L12" or "#L10-L40" (numbers from 1, either order) → the range; anything else → null. */
export function parseRange(hash: string): LineRange | null {
  const found = /^#?L(\d+)(?:-L?(\d+))?$/.exec(hash);
  if (!found) return null;
  const a = Number(found[1]);
  const b = found[2] === undefined ? a : Number(found[2]);
  if (a < 1 || b < 1) return null;
  return { first: Math.min(a, b), last: Math.max(a, b) };
}

export function formatRange(range: LineRange): string {
  return range.first === range.last ? `#L${range.first}` : `#L${range.first}-L${range.last}`;
}

/** The range a click makes: a plain click picks one line, a shift-click extends from the line picked before. */
export function rangeAfterClick(previous: LineRange | null, line: number, extend: boolean): LineRange {
  if (!extend || !previous) return { first: line, last: line };
  const anchor = previous.first;
  return { first: Math.min(anchor, line), last: Math.max(anchor, line) };
}

/** Indexes (from 0) of the lines whose visible text contains the query, case-insensitively. */
export function searchLines(lines: readonly LogLine[], query: string): number[] {
  if (!query) return [];
  const needle = query.toLowerCase();
  const found: number[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (stripAnsi(lines[i].text).toLowerCase().includes(needle)) found.push(i);
  }
  return found;
}

/** Where the query occurs in a piece of text, as [start, end) pairs, so the matches can be marked. */
export function matchesIn(text: string, query: string): Array<[number, number]> {
  if (!query) return [];
  const haystack = text.toLowerCase();
  const needle = query.toLowerCase();
  const spans: Array<[number, number]> = [];
  for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + needle.length)) {
    spans.push([at, at + needle.length]);
  }
  return spans;
}

/** The next match after (or before) the current one, wrapping round; -1 when there is none. */
export function stepMatch(count: number, current: number, forward: boolean): number {
  if (count === 0) return -1;
  if (current < 0) return forward ? 0 : count - 1;
  return (current + (forward ? 1 : count - 1)) % count;
}
