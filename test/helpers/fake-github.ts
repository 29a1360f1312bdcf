/**
 * FakeGitHubApi: a named fake of the few GitHub REST endpoints merge and `--timings github` use
 * (GitHub's servers cannot exist in tests). A real HTTP server on 127.0.0.1 that Octokit and
 * @actions/artifact talk to, with in-memory comments, workflow runs and artifacts, and a switch
 * that makes it answer 403/404 like a token without rights.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';

export interface FakeComment {
  id: number;
  body: string;
  issue: number;
  user: { login: string; type: string };
}
export interface FakeRun {
  id: number;
  workflow: string;
  branch: string;
  status: 'success' | 'failure';
  artifacts: Array<{ id: number; name: string; expired?: boolean; files?: Record<string, string> }>;
}

export class FakeGitHubApi {
  readonly comments: FakeComment[] = [];
  readonly runs: FakeRun[] = [];
  readonly requests: string[] = [];
  defaultBranch = 'main';
  /** every request answers this status (403: a token without rights, 404: not visible) */
  deny: number | null = null;
  private nextId = 1000;
  private server: http.Server | null = null;
  url = '';

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    if (this.server) await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', this.url);
      this.requests.push(`${req.method} ${url.pathname}${url.search}`);
      const body =
        chunks.length > 0 ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>) : {};
      if (this.deny !== null && !url.pathname.startsWith('/blob/'))
        return json(res, this.deny, {
          message: this.deny === 403 ? 'Resource not accessible by integration' : 'Not Found',
        });
      this.route(req.method ?? 'GET', url, body, res);
    });
  }

  private route(method: string, url: URL, body: Record<string, unknown>, res: http.ServerResponse): void {
    const p = url.pathname;
    let m: RegExpExecArray | null;
    if (method === 'GET' && (m = /^\/repos\/[^/]+\/[^/]+\/issues\/(\d+)\/comments$/.exec(p))) {
      const all = this.comments.filter((c) => c.issue === Number(m![1]));
      const perPage = Number(url.searchParams.get('per_page') ?? 30);
      const page = Number(url.searchParams.get('page') ?? 1);
      const last = Math.max(1, Math.ceil(all.length / perPage));
      if (page < last) {
        const next = new URL(url);
        next.searchParams.set('page', String(page + 1));
        res.setHeader(
          'link',
          `<${next.toString()}>; rel="next", <${next.toString().replace(/page=\d+/, `page=${last}`)}>; rel="last"`,
        );
      }
      return json(
        res,
        200,
        all.slice((page - 1) * perPage, page * perPage).map((c) => this.commentJson(c)),
      );
    }
    if (method === 'POST' && (m = /^\/repos\/[^/]+\/[^/]+\/issues\/(\d+)\/comments$/.exec(p))) {
      const c: FakeComment = {
        id: this.nextId++,
        body: String(body['body']),
        issue: Number(m[1]),
        user: { login: 'github-actions[bot]', type: 'Bot' },
      };
      this.comments.push(c);
      return json(res, 201, this.commentJson(c));
    }
    if (method === 'PATCH' && (m = /^\/repos\/[^/]+\/[^/]+\/issues\/comments\/(\d+)$/.exec(p))) {
      const c = this.comments.find((x) => x.id === Number(m![1]));
      if (!c) return json(res, 404, { message: 'Not Found' });
      c.body = String(body['body']);
      return json(res, 200, this.commentJson(c));
    }
    if (method === 'GET' && /^\/repos\/[^/]+\/[^/]+$/.test(p))
      return json(res, 200, { default_branch: this.defaultBranch });
    if (method === 'GET' && (m = /^\/repos\/[^/]+\/[^/]+\/actions\/workflows\/([^/]+)\/runs$/.exec(p))) {
      const branch = url.searchParams.get('branch');
      const status = url.searchParams.get('status');
      const runs = this.runs
        .filter(
          (r) =>
            r.workflow === decodeURIComponent(m![1]!) &&
            (!branch || r.branch === branch) &&
            (!status || r.status === status),
        )
        .sort((a, b) => b.id - a.id)
        .slice(0, Number(url.searchParams.get('per_page') ?? 30));
      return json(res, 200, {
        total_count: runs.length,
        workflow_runs: runs.map((r) => ({
          id: r.id,
          head_branch: r.branch,
          conclusion: r.status,
          html_url: `${this.url}/runs/${r.id}`,
        })),
      });
    }
    if (method === 'GET' && (m = /^\/repos\/[^/]+\/[^/]+\/actions\/runs\/(\d+)\/artifacts$/.exec(p))) {
      const run = this.runs.find((r) => r.id === Number(m![1]));
      const name = url.searchParams.get('name');
      const artifacts = (run?.artifacts ?? [])
        .filter((a) => !name || a.name === name)
        .map((a) => ({ id: a.id, name: a.name, expired: a.expired ?? false }));
      return json(res, 200, { total_count: artifacts.length, artifacts });
    }
    if (method === 'GET' && (m = /^\/repos\/[^/]+\/[^/]+\/actions\/artifacts\/(\d+)\/zip$/.exec(p))) {
      res.writeHead(302, { location: `${this.url}/blob/${m[1]}.zip` });
      return void res.end();
    }
    if (method === 'GET' && (m = /^\/blob\/(\d+)\.zip$/.exec(p))) {
      const artifact = this.runs.flatMap((r) => r.artifacts).find((a) => a.id === Number(m![1]));
      if (!artifact) return json(res, 404, { message: 'Not Found' });
      const zip = zipStored(artifact.files ?? {});
      res.writeHead(200, { 'content-type': 'application/zip', 'content-length': String(zip.length) });
      return void res.end(zip);
    }
    json(res, 404, { message: `FakeGitHubApi: no route for ${method} ${p}` });
  }

  private commentJson(c: FakeComment): Record<string, unknown> {
    return { id: c.id, body: c.body, user: c.user, html_url: `${this.url}/pr/${c.issue}#issuecomment-${c.id}` };
  }
}

function json(res: http.ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(value));
}

/** A zip archive with the files stored uncompressed (what an artifact download serves). */
export function zipStored(files: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(files)) {
    const data = Buffer.from(text, 'utf8');
    const nameBuf = Buffer.from(name, 'utf8');
    const crc = zlib.crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBuf.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBuf.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBuf, data);
    centrals.push(central, nameBuf);
    offset += local.length + nameBuf.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}
