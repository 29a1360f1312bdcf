import { promises as fs } from 'node:fs';
import path from 'node:path';
import { UserError } from '../core/errors.js';
import { assertArtifactName } from '../shared/artifact-names.js';

export { assertArtifactName, shardArtifactName } from '../shared/artifact-names.js';

/** Where a shard's artifact folder goes: GitHub's artifact service, or a local folder (CLI, tests). */
export interface ArtifactStore {
  /** uploads every file under `dir` as artifact `name`; an empty folder is an error, never a silent no-op */
  upload(name: string, dir: string): Promise<void>;
}

/** Every regular file under `dir`, absolute paths, sorted; an empty or missing folder is a UserError. */
export async function listFiles(dir: string, name: string): Promise<string[]> {
  let entries: string[];
  try {
    entries = (await fs.readdir(dir, { recursive: true, withFileTypes: true }))
      .filter((e) => e.isFile())
      .map((e) => path.join(e.parentPath, e.name))
      .sort();
  } catch (err) {
    throw new UserError(`artifact ${name}: cannot read ${dir} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  if (entries.length === 0)
    throw new UserError(`artifact ${name}: ${dir} holds no files; refusing to upload an empty artifact`);
  return entries;
}

/** Copies the folder to `<root>/<name>/`, replacing an older copy of the same name. */
export class LocalArtifactStore implements ArtifactStore {
  constructor(private readonly root: string) {}

  async upload(name: string, dir: string): Promise<void> {
    assertArtifactName(name);
    await listFiles(dir, name);
    const dest = path.join(this.root, name);
    await fs.rm(dest, { recursive: true, force: true });
    await fs.mkdir(this.root, { recursive: true });
    await fs.cp(dir, dest, { recursive: true });
  }
}

/** The subset of @actions/artifact's client we use; a test double stands in for GitHub's servers. */
export interface ArtifactUploader {
  uploadArtifact(
    name: string,
    files: string[],
    rootDirectory: string,
    options?: { retentionDays?: number },
  ): Promise<{ id?: number; size?: number }>;
}

export interface GithubArtifactStoreOptions {
  retentionDays?: number;
  /** defaults to @actions/artifact's DefaultArtifactClient, loaded only when used */
  client?: ArtifactUploader;
  log?: (message: string) => void;
}

export class GithubArtifactStore implements ArtifactStore {
  constructor(private readonly opts: GithubArtifactStoreOptions = {}) {}

  async upload(name: string, dir: string): Promise<void> {
    assertArtifactName(name);
    const files = await listFiles(dir, name);
    const client = this.opts.client ?? new (await import('@actions/artifact')).DefaultArtifactClient();
    const options = this.opts.retentionDays !== undefined ? { retentionDays: this.opts.retentionDays } : {};
    const res = await client.uploadArtifact(name, files, dir, options);
    this.opts.log?.(
      `uploaded artifact ${name}: ${files.length} files, ${res.size ?? '?'} bytes${res.id !== undefined ? ` (id ${res.id})` : ''}`,
    );
  }
}

/** This workflow run's artifacts, for merge to download (the list/download half of the store). */
export class GithubArtifactSource {
  private client: Promise<import('@actions/artifact').DefaultArtifactClient> | null = null;

  private get(): Promise<import('@actions/artifact').DefaultArtifactClient> {
    this.client ??= import('@actions/artifact').then((m) => new m.DefaultArtifactClient());
    return this.client;
  }

  async list(): Promise<Array<{ name: string; id: number }>> {
    const { artifacts } = await (await this.get()).listArtifacts();
    return artifacts.map((a) => ({ name: a.name, id: a.id }));
  }

  async download(id: number, dir: string): Promise<void> {
    await (await this.get()).downloadArtifact(id, { path: dir });
  }
}
