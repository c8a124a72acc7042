/**
 * The admin API under `/_sim`: inspect state and the request log, change settings (rate limits
 * included), inject faults, open and complete tasks, add resources, reset. JSON in and out; bad
 * input answers 400 with the field and what was expected.
 */
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import type { z } from 'zod';
import { ConfigPatchSchema } from '../config';
import { SimulatorStateError } from '../connect/instances';
import { openTasks } from '../connect/open-tasks';
import {
  ContactFlowSchema,
  describeIssues,
  InstanceSchema,
  QueueSchema,
  RuleSchema,
} from '../connect/resource-schemas';
import { toTaskView } from '../connect/task-store';
import { parseJsonObject } from '../protocol';
import type { SimulatorState } from '../state';
import {
  CompleteOldestSchema,
  EventsQuerySchema,
  FaultSpecSchema,
  OpenTasksSchema,
  PerSecondQuerySchema,
  StateQuerySchema,
} from './schemas';

export const ADMIN_PREFIX = '/_sim';

/** An admin request the simulator refuses; rendered as `{ error, message, issues? }`. */
export class AdminError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues?: { path: string; message: string }[],
  ) {
    super(message);
  }
}

export function sendAdminError(reply: FastifyReply, error: AdminError): FastifyReply {
  return reply.code(error.status).send({
    error: error.code,
    message: error.message,
    ...(error.issues ? { issues: error.issues } : {}),
  });
}

function parse<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const issues = describeIssues(parsed.error);
    const message = issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
    throw new AdminError(400, 'InvalidRequest', message, issues);
  }
  return parsed.data;
}

function bodyOf(raw: unknown): Record<string, unknown> {
  const body = parseJsonObject(raw);
  if (body === undefined) throw new AdminError(400, 'InvalidRequest', '(body): expected a JSON object');
  return body;
}

function stateChange<T>(change: () => T): T {
  try {
    return change();
  } catch (err) {
    if (err instanceof SimulatorStateError) {
      const status = { conflict: 409, 'not-found': 404, invalid: 400 }[err.kind];
      const code = { conflict: 'Conflict', 'not-found': 'NotFound', invalid: 'InvalidRequest' }[err.kind];
      throw new AdminError(status, code, err.message);
    }
    throw err;
  }
}

type IdParams = { Params: { contactId: string } };
type InstanceParams = { Params: { instanceId: string } };

export function registerAdminRoutes(app: FastifyInstance, state: SimulatorState): void {
  app.register(
    async (admin) => {
      admin.setErrorHandler((err, _request, reply) => {
        if (err instanceof AdminError) return sendAdminError(reply, err);
        const { statusCode, message } = err as FastifyError;
        const status = typeof statusCode === 'number' && statusCode < 500 ? statusCode : 500;
        return sendAdminError(
          reply,
          new AdminError(status, status === 500 ? 'InternalError' : 'InvalidRequest', message),
        );
      });

      admin.get('/state', async (request) => state.snapshot(parse(StateQuerySchema, request.query)));

      admin.get('/config', async () => state.config);
      admin.post('/config', async (request) =>
        state.configure(parse(ConfigPatchSchema, bodyOf(request.body))),
      );

      admin.get('/faults', async () => state.faults.view());
      admin.post('/faults', async (request) => {
        state.faults.apply(parse(FaultSpecSchema, bodyOf(request.body)));
        return state.faults.view();
      });
      admin.delete('/faults', async () => {
        state.faults.clear();
        return state.faults.view();
      });

      admin.get<IdParams>('/tasks/:contactId', async (request) => {
        state.expireTasks();
        return toTaskView(requireTask(state, request.params.contactId));
      });
      admin.post<IdParams>('/tasks/:contactId/complete', async (request) => {
        state.expireTasks();
        const task = requireTask(state, request.params.contactId);
        state.tasks.complete(task, 'admin', state.now());
        return toTaskView(task);
      });
      admin.post('/tasks/complete-oldest', async (request) => {
        state.expireTasks();
        const { count, instanceId } = parse(CompleteOldestSchema, bodyOf(request.body));
        const tasks = state.tasks.oldestOpen(count, instanceId);
        for (const task of tasks) state.tasks.complete(task, 'admin', state.now());
        return { completed: tasks.map(toTaskView) };
      });

      admin.get('/requests/per-second', async (request) => {
        const { operation } = parse(PerSecondQuerySchema, request.query);
        return state.requestLog.perSecond(operation);
      });

      admin.post('/reset', async () => {
        state.reset();
        return { reset: true };
      });

      admin.get('/instances', async () => {
        state.expireTasks();
        return state.instances.list().map((instance) => state.instanceView(instance));
      });
      admin.get<InstanceParams>('/instances/:instanceId', async (request) => {
        state.expireTasks();
        const instance = state.instances.get(request.params.instanceId);
        if (!instance)
          throw new AdminError(404, 'NotFound', `instance ${request.params.instanceId} does not exist`);
        return state.instanceView(instance);
      });
      admin.post('/instances', async (request, reply) => {
        const definition = parse(InstanceSchema, bodyOf(request.body));
        const instance = stateChange(() => state.instances.add(definition));
        return reply.code(201).send(state.instanceView(instance));
      });
      admin.post<InstanceParams>('/instances/:instanceId/queues', async (request, reply) => {
        const queue = parse(QueueSchema, bodyOf(request.body));
        return reply
          .code(201)
          .send(stateChange(() => state.instances.addQueue(request.params.instanceId, queue)));
      });
      admin.post<InstanceParams>('/instances/:instanceId/contact-flows', async (request, reply) => {
        const flow = parse(ContactFlowSchema, bodyOf(request.body));
        return reply
          .code(201)
          .send(stateChange(() => state.instances.addContactFlow(request.params.instanceId, flow)));
      });
      admin.post<InstanceParams>('/instances/:instanceId/rules', async (request, reply) => {
        const rule = parse(RuleSchema, bodyOf(request.body));
        return reply
          .code(201)
          .send(stateChange(() => state.instances.addRule(request.params.instanceId, rule)));
      });

      admin.put<{ Params: { instanceId: string; ruleId: string } }>(
        '/instances/:instanceId/rules/:ruleId',
        async (request) => {
          const rule = parse(RuleSchema, {
            ...(bodyOf(request.body) as object),
            RuleId: request.params.ruleId,
          });
          return stateChange(() => state.instances.replaceRule(request.params.instanceId, rule));
        },
      );

      admin.post<InstanceParams>('/instances/:instanceId/open-tasks', async (request, reply) => {
        const input = parse(OpenTasksSchema, bodyOf(request.body));
        return reply.code(201).send(stateChange(() => openTasks(state, request.params.instanceId, input)));
      });

      admin.get('/events', async (request) => {
        const { bus } = parse(EventsQuerySchema, request.query);
        return { bus, events: state.events.list(bus) };
      });
    },
    { prefix: ADMIN_PREFIX },
  );
}

function requireTask(state: SimulatorState, contactId: string) {
  const task = state.tasks.get(contactId);
  if (!task) throw new AdminError(404, 'NotFound', `task ${contactId} does not exist`);
  return task;
}
