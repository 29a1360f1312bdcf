import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { benchLocal } from './local.js';
await benchLocal(mkdtempSync(path.join(tmpdir(), 'bl-')));
