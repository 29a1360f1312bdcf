import { createHash } from 'node:crypto';
import { z } from 'zod';
import { UserError } from '../../core/errors.js';
import { PLAN_VERSION, PlanSchema, type Plan } from '../../core/plan/schema.js';
import type { PlanIdentity } from '../../core/report/shard-artifact.js';
import { readJsonFile } from '../files.js';

/**
 * Reads plan.json for run and merge. A plan written by a newer dbt-matrix is rejected with what
 * to do, before its shape is checked (its fields may legitimately differ).
 */
export async function readPlan(file: string): Promise<Plan> {
  const head = await readJsonFile(file, z.looseObject({ version: z.unknown() }), '--plan');
  if (typeof head.version === 'number' && head.version > PLAN_VERSION) {
    throw new UserError(
      `--plan: ${file} has version ${head.version}, newer than the version ${PLAN_VERSION} this dbt-matrix reads; use the same dbt-matrix version for plan, run and merge`,
    );
  }
  const parsed = PlanSchema.safeParse(head);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UserError(
      `--plan: ${file} is not a dbt-matrix plan${issue ? ` (${issue.path.join('.')}: ${issue.message})` : ''}`,
    );
  }
  return parsed.data;
}

/**
 * Which plan this is: a hash of its validated contents (keys in schema order, so the same plan
 * gives the same id however the file was formatted) and its project. run records it in
 * shard.json; merge refuses shards that ran another plan.
 */
export function planIdentity(plan: Plan): PlanIdentity {
  const id = createHash('sha256')
    .update(JSON.stringify(PlanSchema.parse(plan)))
    .digest('hex')
    .slice(0, 16);
  return { id, project: plan.projectName };
}
