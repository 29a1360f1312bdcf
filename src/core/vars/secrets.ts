/**
 * Names that mark a value as secret: env vars (DBT_PG_PASSWORD, SNOWFLAKE_PRIVATE_KEY...) and
 * `--vars` keys (api_token, db_password...). Their values are hidden in every log and artifact.
 */
export const SECRET_NAME_PATTERN = /PASSWORD|SECRET|TOKEN|KEY|CREDENTIAL/i;

/**
 * The values held under secret-looking keys anywhere in `vars` (nested objects and lists too):
 * `{db: {password: "x"}}` hides "x". Scalars only, as their text; a whole object under a secret
 * key hides each of its scalars.
 */
export function secretVarValues(vars: unknown, underSecretKey = false): string[] {
  if (typeof vars === 'string') return underSecretKey ? [vars] : [];
  if (typeof vars === 'number' || typeof vars === 'bigint') return underSecretKey ? [String(vars)] : [];
  if (Array.isArray(vars)) return vars.flatMap((v) => secretVarValues(v, underSecretKey));
  if (vars !== null && typeof vars === 'object') {
    return Object.entries(vars).flatMap(([k, v]) => secretVarValues(v, underSecretKey || SECRET_NAME_PATTERN.test(k)));
  }
  return [];
}
