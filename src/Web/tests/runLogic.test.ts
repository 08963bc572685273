// The run page's pure logic, run with node's test runner (npm test): ANSI colours, log lines and ranges, search,
// the job graph's layout, the cancel reason's link and the waiting reasons in words.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAnsi, stripAnsi } from '../src/lib/ansi';
import { formatRange, matchesIn, parseRange, rangeAfterClick, searchLines, shortTime, splitLine, splitLines, stepMatch } from '../src/lib/logLines';
import { columnsOf, groupName, groupStatus, latestAttempts, layoutGraph } from '../src/lib/jobGraph';
import { splitCancelReason } from '../src/lib/cancelReason';
import { parseSseBlock } from '../src/lib/sse';
import { waitingSentence } from '../src/lib/waiting';
import type { Job } from '../src/lib/types';

const esc = '\u001b';

test('colour codes become classes and never text', () => {
  assert.deepEqual(parseAnsi(`${esc}[1;31mred${esc}[0m plain`), [
    { text: 'red', classes: 'ansi-bold ansi-fg-1' },
    { text: ' plain', classes: '' },
  ]);
  assert.deepEqual(parseAnsi(`${esc}[92;44mx${esc}[39my`), [
    { text: 'x', classes: 'ansi-fg-10 ansi-bg-4' },
    { text: 'y', classes: 'ansi-bg-4' },
  ]);
  assert.deepEqual(parseAnsi(`${esc}[38;5;196mhot${esc}[38;2;0;255;0mgreen`), [
    { text: 'hot', classes: 'ansi-fg-9' },
    { text: 'green', classes: 'ansi-fg-10' },
  ]);
  // Cursor moves and window titles are dropped, markup-looking text stays text.
  assert.deepEqual(parseAnsi(`${esc}[2K${esc}]0;title\u0007<b>x</b>`), [{ text: '<b>x</b>', classes: '' }]);
  assert.equal(stripAnsi(`${esc}[32mok${esc}[0m`), 'ok');
  assert.deepEqual(parseAnsi(''), []);
});

test('lines keep the time Comet stamped on them apart from the output', () => {
  assert.deepEqual(splitLine('2026-12-07T18:14:32.123Z hello world\r'), { time: '2026-12-07T18:14:32.123Z', text: 'hello world' });
  assert.deepEqual(splitLine('no stamp here'), { time: '', text: 'no stamp here' });
  assert.equal(shortTime('2026-12-07T18:14:32.123Z'), '18:14:32.123');
  const { lines, rest } = splitLines('a\nb\npart');
  assert.deepEqual(lines.map((l) => l.text), ['a', 'b']);
  assert.equal(rest, 'part');
});

test('line ranges read from and written to the address', () => {
  assert.deepEqual(parseRange('#L10-L40'), { first: 10, last: 40 });
  assert.deepEqual(parseRange('#L40-L10'), { first: 10, last: 40 });
  assert.deepEqual(parseRange('#L7'), { first: 7, last: 7 });
  assert.equal(parseRange('#L0'), null);
  assert.equal(parseRange('#top'), null);
  assert.equal(formatRange({ first: 3, last: 5 }), '#L3-L5');
  assert.equal(formatRange({ first: 3, last: 3 }), '#L3');
  assert.deepEqual(rangeAfterClick({ first: 8, last: 8 }, 3, true), { first: 3, last: 8 });
  assert.deepEqual(rangeAfterClick({ first: 8, last: 8 }, 3, false), { first: 3, last: 3 });
  assert.deepEqual(rangeAfterClick(null, 3, true), { first: 3, last: 3 });
});

test('search finds every line ignoring case and colours, and steps round', () => {
  const lines = ['Build OK', `${esc}[31mERROR${esc}[0m: disk`, 'error again', 'fine'].map(splitLine);
  assert.deepEqual(searchLines(lines, 'error'), [1, 2]);
  assert.deepEqual(searchLines(lines, ''), []);
  assert.deepEqual(matchesIn('abcABCabc', 'abc'), [[0, 3], [3, 6], [6, 9]]);
  assert.equal(stepMatch(3, -1, true), 0);
  assert.equal(stepMatch(3, -1, false), 2);
  assert.equal(stepMatch(3, 2, true), 0);
  assert.equal(stepMatch(3, 0, false), 2);
  assert.equal(stepMatch(0, -1, true), -1);
});

const job = (name: string, needs: string[] = [], status = 'success', attempt = 1): Job => ({
  id: `${name}#${attempt}`, name, status, attempt, allowFailure: false, needs, warnings: [], steps: [], approvals: [],
});

test('the graph groups matrix legs, puts each job right of what it needs and shows only latest attempts', () => {
  const jobs = [
    job('build'),
    job('test [SUITE=unit]', ['build'], 'failed', 1),
    job('test [SUITE=unit]', ['build'], 'running', 2),
    job('test [SUITE=integration]', ['build']),
    job('lint'),
    job('package', ['test [SUITE=unit]', 'test [SUITE=integration]', 'lint'], 'pending'),
  ];
  assert.equal(groupName('test [SUITE=unit, OS=linux]'), 'test');
  assert.equal(groupName('plain'), 'plain');
  assert.equal(latestAttempts(jobs).find((j) => j.name === 'test [SUITE=unit]')?.attempt, 2);
  const groups = layoutGraph(jobs);
  const byName = Object.fromEntries(groups.map((g) => [g.name, g]));
  assert.deepEqual(Object.keys(byName), ['build', 'test', 'lint', 'package']);
  assert.equal(byName.test.jobs.length, 2);
  assert.deepEqual(byName.test.needs, ['build']);
  assert.deepEqual(byName.package.needs.sort(), ['lint', 'test']);
  assert.deepEqual(columnsOf(groups).map((c) => c.map((g) => g.name)), [['build', 'lint'], ['test'], ['package']]);
  assert.equal(groupStatus(byName.test.jobs), 'running');
  assert.equal(groupStatus([job('a', [], 'success'), job('b', [], 'failed')]), 'failed');
});

test('a cycle in needs does not hang the layout', () => {
  const groups = layoutGraph([job('a', ['b']), job('b', ['a'])]);
  assert.equal(groups.length, 2);
});

test('the superseding run is linked instead of its API address', () => {
  const id = '01a251c3-e092-743e-b879-604d65c09687';
  assert.deepEqual(splitCancelReason(`superseded by run #2, a newer push to 'main': http://ci.example/api/v1/runs/${id}`), {
    before: 'superseded by ', linkText: 'run #2', runId: id, after: ", a newer push to 'main'",
  });
  assert.deepEqual(splitCancelReason('superseded by run #7, a newer push to this pull request'), {
    before: 'superseded by ', linkText: 'run #7', runId: null, after: ', a newer push to this pull request',
  });
  assert.deepEqual(splitCancelReason('stopped by the admin'), { before: 'stopped by the admin', linkText: '', runId: null, after: '' });
});

test('server-sent event blocks are read as the spec says', () => {
  assert.deepEqual(parseSseBlock(': heartbeat\nid: 42\nevent: log\ndata: one\ndata:  two'), { id: '42', type: 'log', data: ['one', ' two'] });
  assert.deepEqual(parseSseBlock('data'), { id: null, type: 'message', data: [''] });
});

test('waiting reasons in words', () => {
  assert.equal(waitingSentence({ kind: 'needs', detail: '', needs: ['build', 'lint', 'test'] }), 'Waiting for build, lint and test to finish (needs).');
  assert.equal(waitingSentence({ kind: 'runner_slot', detail: '', position: 1 }), 'Queued for a free runner slot: next in line.');
  assert.equal(waitingSentence({ kind: 'runner_slot', detail: '', position: 3 }), 'Queued for a free runner slot: number 3 in line.');
  assert.equal(waitingSentence({ kind: 'concurrency', detail: '', group: 'deploy', limit: 1 }), 'Waiting for a place in concurrency group “deploy” (at most 1 at a time).');
  assert.equal(
    waitingSentence({ kind: 'approval', detail: '', approvalsGiven: 1, approvalsRequired: 2, approvedBy: ['maria'], approvers: 'maintainers', exceptUser: 'bob' }),
    'Waiting for approval: 1 of 2 given by maria. Who may approve: maintainers. Not bob, who started the run.');
  assert.equal(waitingSentence({ kind: 'approval', detail: '', approvers: 'developers' }, true), 'Waiting for someone to start it (when: manual); developers may.');
  assert.equal(waitingSentence({ kind: 'deploy_lock', detail: '', environment: 'production' }), 'Waiting for the deploy lock of environment “production”.');
  assert.equal(waitingSentence({ kind: 'something_new', detail: 'the server says why' }), 'the server says why');
});
