// Post step of the test-only actions/cache stand-in (see action.yml): after a job that succeeded,
// saves `path` under `key` with @actions/cache unless the main step restored that very key.
import * as cache from '@actions/cache';
import * as core from '@actions/core';
import { KEY_STATE, MATCHED_STATE, PATH_STATE, sameKey } from './state.js';

const key = core.getState(KEY_STATE);
const cachePath = core.getState(PATH_STATE);
const matched = core.getState(MATCHED_STATE);
if (!key || !cachePath) {
  core.setFailed('toolkit-cache: the main step left no key/path state; it must run before this post step');
} else if (matched && sameKey(matched, key)) {
  core.info(`Cache hit occurred on the primary key ${key}, not saving cache.`);
} else {
  // saveCache answers -1 (after a warning) when the service refuses or fails; like actions/cache, a
  // failed save does not fail the job
  const id = await cache.saveCache([cachePath], key);
  if (id === -1) core.warning(`toolkit-cache: ${cachePath} was not saved with key ${key} (see above)`);
  else core.info(`Cache saved with key: ${key}`);
}
