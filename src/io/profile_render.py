"""Renders profile values the way dbt does, run by the Python interpreter that runs dbt.

dbt depends on jinja2, so it is always there, and a value means the same here as to dbt: Jinja
with env_var() and the as_* filters. src/io/profile-render.ts runs this program with `python -c`
(its text is embedded at build time into profile-render-script.ts). Input on stdin, one JSON object
{"values": {key: jinja text}}; output one JSON line {"values": {key: rendered}, "errors": {key:
first line of the error}}. The environment is the one dbt will see.
"""

import json
import os
import sys

import jinja2

_MISSING = object()


def env_var(name, default=_MISSING):
    if name in os.environ:
        return os.environ[name]
    if default is not _MISSING:
        return default
    raise jinja2.exceptions.UndefinedError("Env var required but not provided: '" + name + "'")


def same(value):
    return value


def environment():
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, extensions=['jinja2.ext.do'])
    env.globals['env_var'] = env_var
    env.globals['var'] = lambda name, default=None: default
    for name in ('as_number', 'as_bool', 'as_text', 'as_native'):
        env.filters[name] = same
    return env


def render(values):
    env = environment()
    out, errors = {}, {}
    for key, text in values.items():
        try:
            out[key] = env.from_string(text).render()
        except Exception as err:
            errors[key] = str(err).splitlines()[0] if str(err) else type(err).__name__
    return {'values': out, 'errors': errors}


if __name__ == '__main__':
    print(json.dumps(render(json.load(sys.stdin)['values'])))
