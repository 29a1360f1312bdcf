// Main step of the test-only actions/cache stand-in (see action.yml): restores `path` for `key`
// with @actions/cache and answers cache-hit. The key and path go to the post step as state, which
// is how actions/cache hands them over too.
import * as cache from '@actions/cache';
import * as core from '@actions/core';
import { KEY_STATE, MATCHED_STATE, PATH_STATE, sameKey } from './state.js';

const key = core.getInput('key', { required: true });
const cachePath = core.getInput('path', { required: true });
core.saveState(KEY_STATE, key);
core.saveState(PATH_STATE, cachePath);
if (!cache.isFeatureAvailable()) {
  core.setFailed('toolkit-cache: no cache service (ACTIONS_CACHE_URL is unset): run act with its cache server on');
} else {
  // restoreCache warns and answers undefined when the service fails: a miss, as in actions/cache
  const matched = await cache.restoreCache([cachePath], key);
  if (matched === undefined) {
    core.info(`Cache not found for input keys: ${key}`);
  } else {
    core.saveState(MATCHED_STATE, matched);
    core.info(`Cache restored from key: ${matched}`);
  }
  core.setOutput('cache-hit', String(matched !== undefined && sameKey(matched, key)));
}
