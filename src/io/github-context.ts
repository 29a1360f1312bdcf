import { promises as fs } from 'node:fs';
import { z } from 'zod';
import { UserError } from '../core/errors.js';
import type { TriggerContext } from '../core/interval/index.js';

/**
 * What triggered this run, from the variables GitHub sets (the CLI reads them too when they are
 * set, so a CLI call inside a workflow behaves like the action). Without them: a manual run now.
 */
export interface GithubRunContext {
  trigger: TriggerContext;
  /** GITHUB_RUN_ATTEMPT (1 outside Actions): artifact names must differ per attempt */
  attempt: number;
  runId: string | null;
}

/** The parts of the event payload we read; everything else may be anything. */
const EventSchema = z.looseObject({
  schedule: z.string().optional(),
  inputs: z.record(z.string(), z.unknown()).nullable().optional(),
  head_commit: z.looseObject({ timestamp: z.string().optional() }).nullable().optional(),
  repository: z
    .looseObject({ pushed_at: z.union([z.number(), z.string()]).nullable().optional() })
    .nullable()
    .optional(),
  pull_request: z.looseObject({ updated_at: z.string().nullable().optional() }).nullable().optional(),
});
type GithubEvent = z.infer<typeof EventSchema>;

export async function readGithubContext(env: NodeJS.ProcessEnv, now: () => Date): Promise<GithubRunContext> {
  const eventName = nonEmpty(env['GITHUB_EVENT_NAME']);
  const event = await readEvent(nonEmpty(env['GITHUB_EVENT_PATH']));
  const fromPayload = payloadTime(eventName, event);
  return {
    trigger: {
      eventName,
      schedule: eventName === 'schedule' ? (event.schedule ?? null) : null,
      dispatchInputs: eventName === 'workflow_dispatch' ? (event.inputs ?? {}) : {},
      triggerTime: fromPayload ?? now(),
      ...(fromPayload ? { timeFromPayload: true } : {}),
    },
    attempt: parseAttempt(env['GITHUB_RUN_ATTEMPT']),
    runId: nonEmpty(env['GITHUB_RUN_ID']),
  };
}

/**
 * When the run was triggered, if the payload says: push and pull_request payloads do (so a re-run
 * attempt days later still resolves the same day); schedule and dispatch payloads do not.
 */
function payloadTime(eventName: string | null, event: GithubEvent): Date | null {
  const candidates: unknown[] = [];
  if (eventName === 'push') candidates.push(event.repository?.pushed_at, event.head_commit?.timestamp);
  if (eventName === 'pull_request' || eventName === 'pull_request_target')
    candidates.push(event.pull_request?.updated_at);
  for (const c of candidates) {
    const d = typeof c === 'number' ? new Date(c * 1000) : typeof c === 'string' && c !== '' ? new Date(c) : null;
    if (d !== null && !Number.isNaN(d.getTime())) return d;
  }
  return null;
}

async function readEvent(file: string | null): Promise<GithubEvent> {
  if (file === null) return {};
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    throw new UserError(
      `GITHUB_EVENT_PATH: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)}); expected the event payload GitHub writes`,
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new UserError(`GITHUB_EVENT_PATH: ${file} is not valid JSON (${(err as Error).message})`);
  }
  const parsed = EventSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UserError(
      `GITHUB_EVENT_PATH: ${file} has an unexpected ${issue?.path.join('.') || 'shape'}: ${issue?.message ?? 'invalid'}`,
    );
  }
  return parsed.data;
}

function parseAttempt(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return 1;
  const n = Number(value.trim());
  if (!Number.isInteger(n) || n < 1)
    throw new UserError(`GITHUB_RUN_ATTEMPT: got ${JSON.stringify(value)}, expected a whole number ≥ 1`);
  return n;
}

function nonEmpty(v: string | undefined): string | null {
  return v === undefined || v.trim() === '' ? null : v;
}
