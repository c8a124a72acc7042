/**
 * Every case of the malformed-event corpus, POSTed to the ingress: refused with its 4xx status and a
 * message naming the field — and no run started, checked per event id and for the whole task queue.
 */
import { randomUUID } from 'node:crypto';
import { remediationWorkflowId } from '../../workflows/definitions';
import { loadMalformedCorpus } from '../fixtures/malformed-events/corpus';
import { failureEvent } from '../helpers/events';
import { errorPathsOf, runExists, useTestIngress, waitForCount } from './harness';

const cases = loadMalformedCorpus(randomUUID().slice(0, 8));
const ctx = useTestIngress();

test('the corpus holds at least 40 malformed events', () => {
  expect(cases.length).toBeGreaterThanOrEqual(40);
});

test.each(cases.map((c) => [`${c.name}: ${c.description}`, c] as const))('%s', async (_title, c) => {
  const response = await ctx.ingress.post(c.body, { 'content-type': c.contentType ?? undefined });
  expect(response.statusCode).toBe(c.status);
  const body = response.json();
  expect(typeof body.error).toBe('string');
  expect(errorPathsOf(body)).toEqual(expect.arrayContaining(c.paths));
  for (const id of c.eventIds) {
    expect(await runExists(ctx.temporal.client, remediationWorkflowId(id))).toBe(false);
  }
});

test('a body without Content-Type is refused for exactly that reason', async () => {
  const response = await ctx.ingress.post(failureEvent(), { 'content-type': undefined });
  expect(response.statusCode).toBe(415);
  expect(response.json().errors[0].found).toBe('no Content-Type');
});

test('nothing at all was started on the ingress task queue by the corpus', async () => {
  // A sentinel proves visibility has caught up: once it is listed, anything the corpus had started
  // before it would be listed too.
  const sentinel = failureEvent();
  expect((await ctx.ingress.post(sentinel)).statusCode).toBe(202);
  expect(await waitForCount(ctx.temporal.client, `TaskQueue = "${ctx.ingress.taskQueue}"`, 1)).toBe(1);
  const ids: string[] = [];
  for await (const run of ctx.temporal.client.workflow.list({
    query: `TaskQueue = "${ctx.ingress.taskQueue}"`,
  })) {
    ids.push(run.workflowId);
  }
  expect(ids).toEqual([remediationWorkflowId(sentinel.id)]);
});
