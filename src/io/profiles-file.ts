import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { userFile } from './files.js';
import { parse } from 'yaml';
import { z } from 'zod';
import { UserError } from '../core/errors.js';

/**
 * The user's dbt profile, found as dbt finds it: --profiles-dir, else env DBT_PROFILES_DIR, else
 * the working directory when it holds a profiles.yml, else ~/.dbt. (The project folder comes last:
 * dbt itself would not look there, but a `--project-dir` run from elsewhere usually means it.)
 */
export interface UserProfile {
  /** the profiles.yml read */
  file: string;
  /** from dbt_project.yml's `profile:` */
  profileName: string;
  /** the profile's other top-level keys are not needed; `config:` (old user config) is kept */
  config: unknown;
  /** target as written (may be Jinja); --target wins */
  target: string | null;
  outputs: Record<string, Record<string, unknown>>;
}

const ProjectSchema = z.object({ profile: z.string().min(1) }).passthrough();
const ProfileSchema = z.object({
  target: z.string().optional(),
  outputs: z.record(z.string(), z.record(z.string(), z.unknown())),
});

export function locateProfilesFile(o: {
  profilesDir: string | null;
  projectDir: string;
  env: NodeJS.ProcessEnv;
  cwd: string;
  home?: string;
}): string {
  if (o.profilesDir !== null) return userFile(o.profilesDir, 'profiles.yml');
  const fromEnv = o.env['DBT_PROFILES_DIR'];
  if (fromEnv) return userFile(fromEnv, 'profiles.yml');
  const candidates = [
    userFile(o.cwd, 'profiles.yml'),
    userFile(path.join(o.home ?? os.homedir(), '.dbt'), 'profiles.yml'),
    userFile(o.projectDir, 'profiles.yml'),
  ];
  return candidates.find((f) => existsSync(f)) ?? candidates[1]!;
}

export async function readUserProfile(profilesFile: string, projectDir: string): Promise<UserProfile> {
  const projectFile = userFile(projectDir, 'dbt_project.yml');
  const project = ProjectSchema.safeParse(await readYaml(projectFile, '--project-dir'));
  if (!project.success)
    throw new UserError(
      `--project-dir: ${projectFile} has no \`profile:\` name; expected the name of a profile in profiles.yml`,
    );
  const profileName = project.data.profile;
  if (profileName.includes('{{'))
    throw new UserError(
      `--project-dir: ${projectFile}: profile ${JSON.stringify(profileName)} is Jinja; expected a plain profile name`,
    );
  const doc = await readYaml(profilesFile, '--profiles-dir');
  const all = z.record(z.string(), z.unknown()).safeParse(doc);
  if (!all.success) throw new UserError(`--profiles-dir: ${profilesFile} is not a mapping of profiles`);
  const raw = all.data[profileName];
  if (raw === undefined)
    throw new UserError(
      `--profiles-dir: ${profilesFile} has no profile ${JSON.stringify(profileName)} (named in dbt_project.yml); it has ${Object.keys(all.data).join(', ') || 'none'}`,
    );
  const profile = ProfileSchema.safeParse(raw);
  if (!profile.success)
    throw new UserError(
      `--profiles-dir: ${profilesFile}: profile ${profileName} needs \`outputs:\`, a mapping of targets to their settings`,
    );
  return {
    file: profilesFile,
    profileName,
    config: all.data['config'],
    target: profile.data.target ?? null,
    outputs: profile.data.outputs,
  };
}

async function readYaml(file: string, input: string): Promise<unknown> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new UserError(
        `${input}: ${file} does not exist${input === '--profiles-dir' ? '; pass --profiles-dir or set DBT_PROFILES_DIR to the folder holding profiles.yml' : ''}`,
      );
    }
    throw err;
  }
  try {
    return parse(text, { maxAliasCount: 100 }) as unknown;
  } catch (err) {
    throw new UserError(`${input}: ${file} is not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
}
