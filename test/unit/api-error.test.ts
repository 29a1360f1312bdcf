import { describe, expect, it } from 'vitest';
import { describeApiError } from '../../src/io/comment.js';

const withStatus = (status: number, message: string) => Object.assign(new Error(message), { status });

describe('describeApiError', () => {
  it('says GitHub was unreachable when octokit reports a failed connection as HTTP 500', () => {
    expect(
      describeApiError(
        withStatus(500, 'request to http://127.0.0.1:9/repos/o/r failed, reason: connect ECONNREFUSED 127.0.0.1:9'),
      ),
    ).toBe(
      "GitHub's API could not be reached: request to http://127.0.0.1:9/repos/o/r failed, reason: connect ECONNREFUSED 127.0.0.1:9",
    );
  });
  it('keeps real HTTP answers as they are', () => {
    expect(describeApiError(withStatus(500, 'Internal Server Error'))).toBe('GitHub API answered HTTP 500');
    expect(describeApiError(withStatus(403, 'Resource not accessible by integration'))).toBe(
      'GitHub API answered HTTP 403',
    );
  });
});
