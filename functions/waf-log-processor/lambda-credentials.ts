/**
 * Credentials of the processor's default S3 client in the Lambda bundle: the execution role's
 * temporary credentials, which Lambda sets as environment variables in every Node.js execution
 * environment (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`; reserved, they
 * cannot be overridden), see
 * https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime
 *
 * `npm run build` (scripts/build-functions.ts) bundles this module in place of
 * `@aws-sdk/credential-provider-node`, the SDK's default chain (environment, then SSO, shared
 * config files, `credential_process`, web identity token file, container and instance metadata,
 * with STS, SSO and sign-in clients of their own). In Lambda that chain always stops at its first
 * link, the environment, which this module implements the same way (`fromEnv` of
 * `@aws-sdk/credential-provider-env`). The rest never runs there, yet was about 135 KB of the
 * bundle and a third of its load time above bare Node. Outside Lambda, the tools that load the bundle (replay, bench, the tests) pass
 * their own S3 client, and `S3_ENDPOINT` mode takes static credentials from the environment; only
 * the TypeScript sources (not the bundle) keep the full chain.
 */

/** Credentials in the shape the SDK's signer takes. */
export interface EnvironmentCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  /** When the credentials expire (`AWS_CREDENTIAL_EXPIRATION`, ISO 8601); absent: they do not. */
  readonly expiration?: Date;
  readonly credentialScope?: string;
  readonly accountId?: string;
}

/**
 * Drop-in for `defaultProvider` of `@aws-sdk/credential-provider-node` in the bundle: a provider
 * that reads `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and, when set, `AWS_SESSION_TOKEN`,
 * `AWS_CREDENTIAL_EXPIRATION`, `AWS_CREDENTIAL_SCOPE` and `AWS_ACCOUNT_ID` from `process.env` each
 * time it is called (the SDK memoizes the result until `expiration`).
 *
 * @param _init the SDK's provider options (logger, profile, …); not needed for the environment.
 * @returns the provider; it rejects with an Error naming the missing variables when the access
 *   key or the secret key is not set.
 */
export function defaultProvider(_init?: unknown): () => Promise<EnvironmentCredentials> {
  return async () => {
    const env = process.env;
    const accessKeyId = env.AWS_ACCESS_KEY_ID;
    const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
    if (!accessKeyId || !secretAccessKey) {
      throw new Error(
        "Could not load credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set " +
          "(Lambda sets them to the execution role's credentials; the waf-log-processor bundle " +
          "reads credentials from the environment only, see functions/waf-log-processor/lambda-credentials.ts)",
      );
    }
    return {
      accessKeyId,
      secretAccessKey,
      ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
      ...(env.AWS_CREDENTIAL_EXPIRATION ? { expiration: new Date(env.AWS_CREDENTIAL_EXPIRATION) } : {}),
      ...(env.AWS_CREDENTIAL_SCOPE ? { credentialScope: env.AWS_CREDENTIAL_SCOPE } : {}),
      ...(env.AWS_ACCOUNT_ID ? { accountId: env.AWS_ACCOUNT_ID } : {}),
    };
  };
}
